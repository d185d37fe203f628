"""Fixtures for the reader-experience checks: a fixture build of the shipped content, loopback servers, Chromium.

The site is built by the `briefing` binary named in BRIEFING_BIN (default .build/debug/briefing) into a
temporary folder, inside a folder named `sub/`, so the same build can be served at a root and under a sub-path.
"""

import functools
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]

# Selenium must never try to download a driver or a browser: both come from Debian.
os.environ.setdefault("SE_OFFLINE", "true")


def briefing_binary() -> Path:
    binary = Path(os.environ.get("BRIEFING_BIN", REPOSITORY / ".build/debug/briefing"))
    if not binary.is_absolute():
        binary = REPOSITORY / binary
    assert binary.exists(), f"no briefing binary at {binary}: run `swift build` (or set BRIEFING_BIN)"
    return binary


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The shipped content built into <tmp>/root/sub/, for a site at the root of its host: the 404 page's links start
    at `/`, where `server` serves it."""
    output = tmp_path_factory.mktemp("site") / "root" / "sub"
    output.parent.mkdir(parents=True)
    subprocess.run(
        [str(briefing_binary()), "build", "--content", "content", "--assets", "templates/assets", "--output", str(output),
         "--base-url", "https://briefing.example/"],
        cwd=REPOSITORY, check=True, capture_output=True, text=True,
    )
    return output


@pytest.fixture(scope="session")
def paged_site(tmp_path_factory) -> Path:
    """The shipped content with `page_size: 3`, so the quotes, the timeline and the larger topics run over numbered
    pages, served on a loopback origin."""
    root = tmp_path_factory.mktemp("paged")
    shutil.copytree(REPOSITORY / "content", root / "content")
    with open(root / "content" / "site.yaml", "a") as config:
        config.write("page_size: 3\n")
    output = root / "public"
    subprocess.run(
        [str(briefing_binary()), "build", "--content", str(root / "content"), "--assets", "templates/assets", "--output", str(output)],
        cwd=REPOSITORY, check=True, capture_output=True, text=True,
    )
    return output


class Server:
    """A loopback HTTP server for one folder, in a thread, on a free port: a test fixture, not a preview."""

    def __init__(self, folder: Path):
        self.missing: list[str] = []
        missing = self.missing

        class Handler(http.server.SimpleHTTPRequestHandler):
            def end_headers(self):
                # linkchecker allows more than 10 requests a second only to servers that send this header.
                self.send_header("LinkChecker", "allow")
                super().end_headers()

            def send_error(self, code, message=None, explain=None):
                if code == 404:
                    missing.append(self.path)
                super().send_error(code, message, explain)

            def log_message(self, format, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def server(site):
    """The site served at the root of a loopback origin."""
    running = Server(site)
    yield running
    running.close()


@pytest.fixture(scope="session")
def parent_server(site):
    """The folder holding `sub/`, so the site is served under the sub-path /sub/."""
    running = Server(site.parent)
    yield running
    running.close()


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--hide-scrollbars", "--allow-file-access-from-files",
                     "--disable-extensions", "--no-first-run", "--lang=en-GB",
                     # Any host but loopback fails at once: the checks never reach the network, and a page that
                     # needed another host would show it.
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    # Smooth scrolling would move links away from where WebDriver clicks; readers who ask for less motion get none.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"media": "", "features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(os.environ.get("BRIEFING_SCREENSHOTS", REPOSITORY / ".build/screenshots"))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


# The real web servers (nginx, Apache) and the builds they serve, for test_hosts.py and any other module.
from hosting import apache, host_ports, hosted, hosted_builds, hosting_folder, nginx, system_state_before  # noqa: E402, F401
