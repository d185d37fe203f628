"""Real web servers for the reader checks: Debian's nginx and Apache, serving builds of the shipped content with the
snippets in deploy/, at the root of a loopback port and under the sub-path /briefings/istanbul/ of another.

Each server runs as an unprivileged process (as `nobody` when the tests run as root, through `setpriv`), in the
foreground, on free loopback ports, with its configuration, logs, pid file and temporary files in a temporary folder;
it is stopped when the session ends, and if the test process dies first, the kernel sends it SIGTERM.

The site is built twice, once per base URL, with --precompress, and each build is served by both servers: the base
URLs name nginx's ports, so Apache serves the same files from a different host and port than base_url names, as a
staging or preview address would.

Fixtures for other modules: `hosted_builds` (the two builds), `nginx` and `apache` (each a `RunningServer` with the
sites it serves by placement), and `hosted` (the four sites as `HostedSite`s).
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REPOSITORY, briefing_binary

DEPLOY = REPOSITORY / "deploy"
SUB_PATH = "/briefings/istanbul/"
PLACEMENTS = ("root", "sub-path")
SERVERS = ("nginx", "apache")

NGINX_BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
# What the .htaccess the build writes and the vhost lines in deploy/apache/ need, and autoindex, which Debian enables
# by default: the site must not show a folder's listing or Apache's own "Forbidden" page.
APACHE_MODULE_NAMES = ["mpm_event", "authz_core", "mime", "dir", "alias", "rewrite", "headers", "autoindex"]

# Files the servers' packages would write if they ran with their default paths: a run must leave them as they were.
SYSTEM_STATE = [Path("/var/log/nginx"), Path("/var/log/apache2"), Path("/run/nginx.pid"), Path("/run/apache2"),
                Path("/var/lib/nginx"), Path("/var/lock/apache2")]


@dataclass
class HostedSite:
    server: str
    placement: str
    # Where the site is served: http://127.0.0.1:PORT/ or http://127.0.0.1:PORT/briefings/istanbul/.
    url: str
    # The built site and the base URL it was built with.
    folder: Path
    base_url: str

    @property
    def origin(self) -> str:
        return "/".join(self.url.split("/", 3)[:3])

    @property
    def path(self) -> str:
        return "/" + self.url.split("/", 3)[3]

    def __str__(self):
        return f"{self.server}-{self.placement}"


@dataclass
class RunningServer:
    name: str
    process: subprocess.Popen
    state: Path
    sites: dict = field(default_factory=dict)

    def log(self) -> str:
        logs = sorted(self.state.glob("*.log"))
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}" for path in logs)


def free_ports(count: int) -> list[int]:
    """Ports the kernel hands out now, all different (the sockets are open together), closed before returning."""
    sockets = []
    try:
        for _ in range(count):
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            sockets.append(listener)
        return [listener.getsockname()[1] for listener in sockets]
    finally:
        for listener in sockets:
            listener.close()


def unprivileged(command: list[str]) -> list[str]:
    """`command` run as nobody when the tests run as root, so neither server drops privileges itself (nginx's `user`,
    Apache's `User`); either way it gets SIGTERM if the test process dies."""
    prefix = ["setpriv", "--pdeathsig", "TERM"]
    if os.geteuid() == 0:
        prefix += ["--reuid", "nobody", "--regid", "nogroup", "--clear-groups"]
    return prefix + ["--"] + command


def server_state_folder(root: Path, name: str) -> Path:
    """A folder the server may write (logs, pid, temporary files): owned by nobody when the tests run as root."""
    folder = root / name
    folder.mkdir()
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    return folder


def templated(snippet: Path, replacements: dict[str, str]) -> str:
    """A snippet of deploy/ with its example paths and ports replaced; each one must be in it, so a snippet that
    changes shape fails here instead of being tested half."""
    text = snippet.read_text()
    for old, new in replacements.items():
        assert old in text, f"{snippet.relative_to(REPOSITORY)} no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def wait_until_listening(server: RunningServer, ports: list[int], seconds: float = 30):
    deadline = time.monotonic() + seconds
    for port in ports:
        while True:
            if server.process.poll() is not None:
                pytest.fail(f"{server.name} exited with {server.process.returncode} before listening on {port}:\n{server.log()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{server.name} is not listening on {port} after {seconds} s:\n{server.log()}")
                time.sleep(0.05)


def stop(server: RunningServer):
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def serving(name: str, command: list[str], state: Path, ports: dict[str, int], hosted_builds: dict):
    """Starts the server (unprivileged), waits until it listens on every port, yields it with the site it serves on
    each, and stops it however the session ends. Its output goes to stdout.log in its folder."""
    with open(state / "stdout.log", "w") as output:
        process = subprocess.Popen(unprivileged(command), stdout=output, stderr=subprocess.STDOUT)
    server = RunningServer(name, process, state)
    try:
        wait_until_listening(server, list(ports.values()))
        server.sites = {placement: HostedSite(name, placement, f"http://127.0.0.1:{port}{'/' if placement == 'root' else SUB_PATH}",
                                              *hosted_builds[placement])
                        for placement, port in ports.items()}
        yield server
    finally:
        stop(server)


def snapshot_system_state() -> dict:
    """Each file under SYSTEM_STATE with its size and modification time."""
    found = {}
    for path in SYSTEM_STATE:
        for item in ([path] + sorted(path.rglob("*")) if path.is_dir() else [path]):
            if item.exists():
                info = item.stat()
                found[str(item)] = (info.st_size, info.st_mtime_ns)
    return found


# MARK: - Fixtures


@pytest.fixture(scope="session")
def hosting_folder():
    """A temporary folder the unprivileged servers can read: pytest's own is closed to other users."""
    folder = Path(tempfile.mkdtemp(prefix="briefing-hosts-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def host_ports():
    """nginx's ports for the site at the root and under the sub-path, then Apache's."""
    ports = free_ports(4)
    return {("nginx", "root"): ports[0], ("nginx", "sub-path"): ports[1],
            ("apache", "root"): ports[2], ("apache", "sub-path"): ports[3]}


@pytest.fixture(scope="session")
def hosted_builds(hosting_folder, host_ports):
    """The shipped content, with one photograph as a person's portrait (so the servers also send image variants), built
    with --precompress once per base URL: placement → (folder, base URL)."""
    from test_images import photo

    content = hosting_folder / "content"
    shutil.copytree(REPOSITORY / "content", content)
    (content / "media").mkdir()
    work = hosting_folder / "photo-work"
    work.mkdir()
    photo(content / "media" / "putin-lectern.jpg", 800, 1000, 3, work)
    (content / "media" / "putin-lectern.yaml").write_text(
        'alt: "A man at a lectern (a test picture)"\ncredit: "Test Photographer/Test Wire"\nlicense: "CC BY 4.0"\n')
    person = content / "people" / "vladimir-putin.md"
    person.write_text(person.read_text().replace("---\n", "---\nimage: putin-lectern\n", 1))
    builds = {}
    for placement in PLACEMENTS:
        path = "/" if placement == "root" else SUB_PATH
        base_url = f"http://127.0.0.1:{host_ports[('nginx', placement)]}{path}"
        output = hosting_folder / "sites" / placement / "public"
        result = subprocess.run(
            [str(briefing_binary()), "build", "--content", str(content), "--assets", "templates/assets", "--output", str(output),
             "--base-url", base_url, "--precompress"],
            cwd=REPOSITORY, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        builds[placement] = (output, base_url)
    return builds


@pytest.fixture(scope="session")
def system_state_before():
    return snapshot_system_state()


@pytest.fixture(scope="session")
def nginx(hosting_folder, hosted_builds, host_ports, system_state_before):
    """nginx -p PREFIX -c CONF -g 'daemon off;' with deploy/nginx/briefing-server.conf on one port and
    deploy/nginx/briefing-location.conf in a server block of another."""
    for command in ("nginx", "setpriv"):
        assert shutil.which(command) or Path("/usr/sbin", command).exists(), f"{command} is not installed: run `make browser-deps`"
    assert NGINX_BROTLI_MODULE.exists(), f"{NGINX_BROTLI_MODULE} is missing: run `make browser-deps` (libnginx-mod-http-brotli-static)"
    state = server_state_folder(hosting_folder, "nginx")
    root, sub = hosted_builds["root"][0], hosted_builds["sub-path"][0]
    root_port, sub_port = host_ports[("nginx", "root")], host_ports[("nginx", "sub-path")]
    (state / "briefing-static.conf").write_text((DEPLOY / "nginx" / "briefing-static.conf").read_text())
    include = {"include /etc/nginx/snippets/briefing-static.conf;": f"include {state}/briefing-static.conf;"}
    server_block = templated(DEPLOY / "nginx" / "briefing-server.conf", {
        "listen 80;": f"listen 127.0.0.1:{root_port};", "root /var/www/briefing/public;": f"root {root};", **include})
    location_block = templated(DEPLOY / "nginx" / "briefing-location.conf", {
        "alias /var/www/briefings/istanbul/public/;": f"alias {sub}/;", **include})
    temporary = "\n".join(f"    {kind}_temp_path {state}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (state / "nginx.conf").write_text(f"""\
# Written by Tests/browser/hosting.py: everything nginx writes stays in {state}.
pid {state}/nginx.pid;
lock_file {state}/nginx.lock;
error_log {state}/error.log warn;
worker_processes 1;
load_module {NGINX_BROTLI_MODULE};
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {state}/access.log;
{temporary}
    # linkchecker waits between requests to a server that does not send this header.
    add_header LinkChecker allow;

{server_block}

    # The site under a sub-path of another.
    server {{
        listen 127.0.0.1:{sub_port};
        server_name news.example;
        root {state}/empty;

{location_block}
    }}
}}
""")
    (state / "empty").mkdir()
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    # The error log named on the command line is the one used until the configuration is read.
    yield from serving("nginx", [nginx_binary, "-e", str(state / "error.log"), "-p", str(state), "-c", str(state / "nginx.conf"),
                                 "-g", "daemon off;"], state, {"root": root_port, "sub-path": sub_port}, hosted_builds)


@pytest.fixture(scope="session")
def apache(hosting_folder, hosted_builds, host_ports, system_state_before):
    """apache2 -f CONF -DFOREGROUND with explicit LoadModule lines, deploy/apache/briefing-site.conf as the virtual
    host of one port and deploy/apache/briefing-alias.conf inside the virtual host of another; the rules are the
    .htaccess the build wrote."""
    assert shutil.which("apache2") or Path("/usr/sbin/apache2").exists(), "apache2 is not installed: run `make browser-deps`"
    state = server_state_folder(hosting_folder, "apache")
    root, sub = hosted_builds["root"][0], hosted_builds["sub-path"][0]
    root_port, sub_port = host_ports[("apache", "root")], host_ports[("apache", "sub-path")]
    site = templated(DEPLOY / "apache" / "briefing-site.conf", {
        "<VirtualHost *:80>": f"<VirtualHost 127.0.0.1:{root_port}>", "/var/www/briefing/public": str(root)})
    alias = templated(DEPLOY / "apache" / "briefing-alias.conf", {"/var/www/briefings/istanbul/public": str(sub)})
    modules = "\n".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so" for name in APACHE_MODULE_NAMES)
    (state / "empty").mkdir()
    (state / "apache2.conf").write_text(f"""\
# Written by Tests/browser/hosting.py: everything Apache writes stays in {state}.
ServerRoot {state}
DefaultRuntimeDir {state}
PidFile {state}/apache2.pid
Mutex file:{state} default
ErrorLog {state}/error.log
LogLevel warn
{modules}
TypesConfig /etc/mime.types
ServerName 127.0.0.1
Listen 127.0.0.1:{root_port}
Listen 127.0.0.1:{sub_port}
StartServers 1
# As Debian's apache2.conf: nothing outside the sites' folders.
<Directory />
    AllowOverride None
    Require all denied
</Directory>
# linkchecker waits between requests to a server that does not send this header.
Header always set LinkChecker allow

{site}

# The site under a sub-path of another.
<VirtualHost 127.0.0.1:{sub_port}>
    ServerName news.example
    DocumentRoot {state}/empty
    <Directory {state}/empty>
        Require all granted
    </Directory>

{alias}
</VirtualHost>
""")
    apache_binary = shutil.which("apache2") or "/usr/sbin/apache2"
    yield from serving("apache", [apache_binary, "-f", str(state / "apache2.conf"), "-DFOREGROUND"], state,
                       {"root": root_port, "sub-path": sub_port}, hosted_builds)


@pytest.fixture(scope="session", params=[(server, placement) for server in SERVERS for placement in PLACEMENTS],
                ids=lambda param: f"{param[0]}-{param[1]}")
def hosted(request) -> HostedSite:
    """Each of the four: nginx and Apache, each at the root and under the sub-path."""
    server, placement = request.param
    return request.getfixturevalue(server).sites[placement]
