"""The site on real web servers: Debian's nginx and Apache with the snippets in deploy/, each serving it at the root of
a loopback port and under /briefings/istanbul/ of another (hosting.py starts them).

On each of the four: every file with its type and character set, the precompressed copies to browsers that accept
them, the caching headers, a crawl with linkchecker, the reading journey and search in Chromium, and the 404 page for
a missing URL at any depth. Apache serves the builds from other ports than their base URLs name, as a staging address
would, so its 404 checks also show that the 404 page needs nothing from the address in base_url.
"""

import gzip
import http.client
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest

import test_site as reader
from conftest import REPOSITORY
from hosting import DEPLOY, SERVERS, SUB_PATH, snapshot_system_state

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATED = "no-cache"
HOST_FILES = {".htaccess", "_headers", "_redirects", ".nojekyll", ".briefing-output"}
# Assets named after their contents, and image variants named after their original's digest.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{10}\.(css|js)$|^media/[^/]+\.[0-9a-f]{10}\.[a-z0-9-]+\.(webp|jpg|avif)$")

# The Content-Type each kind of file must be served with (any of the set).
TYPES = {
    ".html": {"text/html; charset=utf-8"},
    ".css": {"text/css; charset=utf-8"},
    ".js": {"text/javascript; charset=utf-8", "application/javascript; charset=utf-8"},
    ".json": {"application/json; charset=utf-8"},
    ".txt": {"text/plain; charset=utf-8"},
    ".svg": {"image/svg+xml; charset=utf-8"},
    ".xml": {"application/xml; charset=utf-8", "text/xml; charset=utf-8"},
    "feed.xml": {"application/atom+xml; charset=utf-8"},
    ".webp": {"image/webp"},
    ".jpg": {"image/jpeg"},
}

DECOMPRESS = {"br": brotli.decompress, "gzip": gzip.decompress}


@pytest.fixture
def request_fixture(request):
    """pytest's `request`, under a name that leaves `request` to the HTTP helper below."""
    return request
SUFFIX = {"br": ".br", "gzip": ".gz"}


def request(url: str, headers: dict | None = None):
    """One GET request, nothing decoded: (status, headers, body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def get(site, path: str, headers: dict | None = None):
    """`path` relative to where `site` is served."""
    return request(site.url + path, headers)


def served_files(folder: Path) -> list[str]:
    """Every file a reader can ask for: not the compressed copies, not the files for hosts."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                  if path.is_file() and path.name not in HOST_FILES and path.suffix not in (".br", ".gz"))


def content_type(headers) -> str:
    return re.sub(r"\s+", "", headers.get("Content-Type", "")).replace(";", "; ").lower()


def expected_types(path: str) -> set[str]:
    return TYPES.get(Path(path).name) or TYPES[Path(path).suffix]


def vary(headers) -> set[str]:
    return {value.strip().lower() for line in headers.get_all("Vary") or [] for value in line.split(",")}


# MARK: - Files, types and character sets


def test_every_file_is_served_with_its_type_and_charset(hosted):
    problems = []
    files = served_files(hosted.folder)
    assert len(files) > 50, files
    for path in files:
        status, headers, body = get(hosted, path)
        if status != 200:
            problems.append(f"{path}: {status}")
            continue
        if body != (hosted.folder / path).read_bytes():
            problems.append(f"{path}: the body is not the file")
        if content_type(headers) not in expected_types(path):
            problems.append(f"{path}: Content-Type {headers.get('Content-Type')!r}, expected one of {sorted(expected_types(path))}")
        if headers.get("Content-Encoding"):
            problems.append(f"{path}: Content-Encoding {headers['Content-Encoding']} to a client that accepts none")
    assert not problems, f"{hosted}:\n" + "\n".join(problems)


def test_pages_are_served_at_their_pretty_urls(hosted):
    """Canonical URLs end in `/`: the folder gives its index.html, and the folder without its slash redirects."""
    problems = []
    for path in served_files(hosted.folder):
        if not path.endswith("/index.html"):
            continue
        folder = path[: -len("index.html")]
        status, headers, body = get(hosted, folder)
        if status != 200 or body != (hosted.folder / path).read_bytes() or content_type(headers) != "text/html; charset=utf-8":
            problems.append(f"{folder}: {status} {headers.get('Content-Type')}")
        status, headers, _ = get(hosted, folder.rstrip("/"))
        location = headers.get("Location", "")
        if status != 301 or location not in (hosted.path + folder, hosted.origin + hosted.path + folder):
            problems.append(f"{folder.rstrip('/')}: {status} to {location!r}, expected 301 to {hosted.path + folder}")
    status, _, body = get(hosted, "")
    assert status == 200 and body == (hosted.folder / "index.html").read_bytes()
    assert not problems, f"{hosted}:\n" + "\n".join(problems)


@pytest.mark.parametrize("server", SERVERS)
def test_sub_path_without_its_slash_redirects_to_the_site(request_fixture, server):
    hosted = request_fixture.getfixturevalue(server).sites["sub-path"]
    status, headers, _ = request(hosted.origin + SUB_PATH.rstrip("/"))
    assert status == 301 and headers.get("Location") in (SUB_PATH, hosted.origin + SUB_PATH), (status, headers.get("Location"))


def test_files_for_hosts_are_not_served(hosted):
    for name in sorted(HOST_FILES):
        status, _, body = get(hosted, name)
        assert status == 404, f"{hosted}: {name} answered {status}"
        assert body == (hosted.folder / "404.html").read_bytes(), f"{hosted}: {name} is not answered with the 404 page"


# MARK: - Precompressed copies


@pytest.mark.parametrize("accept, encoding", [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br"),
                                                     ("br;q=0, gzip", "gzip"), ("gzip, br; q=0.0", "gzip")])
def test_precompressed_copies_are_sent_to_browsers_that_accept_them(hosted, accept, encoding):
    """Each file with a .br or .gz copy: that copy, with its own encoding, the plain file's type, and Vary; the bytes
    decompress to the plain file. A file without one is sent plain."""
    problems = []
    compressed = 0
    for path in served_files(hosted.folder):
        plain = (hosted.folder / path).read_bytes()
        copy = hosted.folder / (path + SUFFIX[encoding])
        status, headers, body = get(hosted, path, {"Accept-Encoding": accept})
        if status != 200:
            problems.append(f"{path}: {status}")
        elif copy.exists():
            compressed += 1
            if headers.get("Content-Encoding") != encoding:
                problems.append(f"{path}: Content-Encoding {headers.get('Content-Encoding')!r}, expected {encoding}")
            elif body != copy.read_bytes() or DECOMPRESS[encoding](body) != plain:
                problems.append(f"{path}: the {encoding} body is not {copy.name}, or does not decompress to {path}")
            if content_type(headers) not in expected_types(path):
                problems.append(f"{path}{SUFFIX[encoding]}: Content-Type {headers.get('Content-Type')!r}")
            if "accept-encoding" not in vary(headers):
                problems.append(f"{path}: no Vary: Accept-Encoding")
        elif headers.get("Content-Encoding") or body != plain:
            problems.append(f"{path} has no {copy.name}, but was sent {headers.get('Content-Encoding')}")
    assert compressed > 40, f"{hosted}: only {compressed} files have a {SUFFIX[encoding]} copy"
    assert not problems, f"{hosted} (Accept-Encoding: {accept}):\n" + "\n".join(problems)


def test_pretty_urls_are_sent_compressed(hosted):
    page = "quotes/putin-ready-for-serious-talks/"
    status, headers, body = get(hosted, page, {"Accept-Encoding": "br"})
    assert status == 200 and headers.get("Content-Encoding") == "br", (status, dict(headers))
    assert brotli.decompress(body) == (hosted.folder / page / "index.html").read_bytes()


# MARK: - Caching


def test_assets_named_after_their_contents_are_cached_for_a_year_and_the_rest_revalidated(hosted):
    problems = []
    immutable = 0
    for path in served_files(hosted.folder):
        for accept in ("", "br"):
            status, headers, _ = get(hosted, path, {"Accept-Encoding": accept} if accept else {})
            cache_control = headers.get("Cache-Control")
            if FINGERPRINTED.search(path):
                immutable += 1
                if cache_control != IMMUTABLE:
                    problems.append(f"{path} ({accept or 'plain'}): Cache-Control {cache_control!r}, expected {IMMUTABLE!r}")
                continue
            if cache_control != REVALIDATED:
                problems.append(f"{path} ({accept or 'plain'}): Cache-Control {cache_control!r}, expected {REVALIDATED!r}")
            # Revalidation needs a validator, and the server must answer it with 304.
            etag, modified = headers.get("ETag"), headers.get("Last-Modified")
            if not etag or not modified:
                problems.append(f"{path} ({accept or 'plain'}): ETag {etag!r}, Last-Modified {modified!r}")
                continue
            conditional = {"If-None-Match": etag, **({"Accept-Encoding": accept} if accept else {})}
            status, _, body = get(hosted, path, conditional)
            if status != 304 or body:
                problems.append(f"{path} ({accept or 'plain'}): If-None-Match its ETag answered {status}")
    assert immutable >= 6, f"{hosted}: only {immutable} requests for fingerprinted assets"
    assert any(path.startswith("media/") and FINGERPRINTED.search(path) for path in served_files(hosted.folder)), \
        f"{hosted}: no image variant among the files"
    assert not problems, f"{hosted}:\n" + "\n".join(problems)


# MARK: - Links and journeys


def test_crawl_finds_no_broken_links_or_anchors(hosted, tmp_path):
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nmaxrequestspersecond=1000\n[AnchorCheck]\n")
    result = subprocess.run([reader.tool("linkchecker"), "--config", str(config), "--no-status",
                             hosted.url + "index.html", hosted.url + "404.html"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{hosted}: linkchecker:\n{result.stdout}{result.stderr}"
    summary = [line for line in result.stdout.splitlines() if "links in" in line and "checked" in line]
    assert summary, result.stdout
    checked = int(re.search(r"(\d+) links in", summary[0]).group(1))
    assert checked >= len(reader.all_pages(hosted.folder)), summary[0]


def resources_loaded(browser) -> list[str]:
    return browser.execute_script("return performance.getEntriesByType('resource').map(entry => entry.name)")


def test_reading_journey_and_search(browser, hosted):
    """The journeys of test_site.py, on the real server: person → quote → event → timeline, then search."""
    reader.test_person_to_quote_to_event_to_timeline(browser, hosted)
    assert reader.stylesheet_applied(browser)
    assert all(url.startswith(hosted.origin + "/") for url in resources_loaded(browser)), resources_loaded(browser)
    reader.test_search_finds_a_person_and_a_topic(browser, hosted)


# MARK: - The 404 page


def test_missing_url_is_answered_with_the_404_page(hosted):
    """Also a folder without a page (assets/): not a listing, not the server's own "Forbidden" page."""
    not_found = (hosted.folder / "404.html").read_bytes()
    for path in ("no-such-page", "people/no-such-person/", "quotes/a/b/c/d.html", "assets/"):
        status, headers, body = get(hosted, path)
        assert (status, body) == (404, not_found), f"{hosted}: {path} answered {status}"
        assert content_type(headers) == "text/html; charset=utf-8", headers.get("Content-Type")
        status, headers, body = get(hosted, path, {"Accept-Encoding": "br"})
        assert (status, headers.get("Content-Encoding")) == (404, "br"), f"{hosted}: {path} answered {status} {headers.get('Content-Encoding')}"
        assert brotli.decompress(body) == not_found


def test_404_page_works_at_any_depth_and_loads_only_from_the_host_serving_it(browser, hosted):
    missing = hosted.url + "people/no-such-person/deeper/"
    reader.open_page(browser, missing)
    assert reader.h1(browser) == "Page not found"
    assert reader.stylesheet_applied(browser), f"{hosted}: the 404 page's stylesheet did not load at {missing}"
    loaded = resources_loaded(browser)
    assert any(url.endswith(".css") for url in loaded), loaded
    assert all(url.startswith(hosted.origin + hosted.path) for url in loaded), f"{hosted}: {loaded}"
    reader.click(browser, "nav[aria-label='Sections'] a[href$='people/index.html']")
    assert browser.current_url == hosted.url + "people/index.html" and reader.h1(browser) == "People"
    reader.open_page(browser, missing)
    reader.click(browser, ".site-title")
    assert browser.current_url == hosted.url + "index.html"


def test_apache_serves_from_another_address_than_base_url_names(apache):
    """The condition the 404 checks above rely on for Apache: its builds name nginx's ports."""
    for site in apache.sites.values():
        assert not site.base_url.startswith(site.origin + "/"), (site.base_url, site.url)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "canonical" or tag == "meta":
            return  # canonical metadata keeps the absolute URL
        for name in ("href", "src", "action"):
            if name in attributes:
                self.urls.append((tag, attributes[name]))


@pytest.mark.parametrize("placement", ["root", "sub-path"])
def test_404_page_links_start_at_the_path_of_base_url(hosted_builds, placement):
    folder, base_url = hosted_builds[placement]
    base_path = urlsplit(base_url).path
    links = Links()
    links.feed((folder / "404.html").read_text())
    assert len(links.urls) > 8, links.urls
    wrong = [url for _, url in links.urls if not (url.startswith(base_path) or url.startswith("#")) or "//" in url]
    assert not wrong, f"404.html links that do not start at {base_path}: {wrong}"


# MARK: - Files for static hosts


def header_rules(text: str) -> list[tuple[str, dict]]:
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("/"):
            rules.append((line.strip(), {}))
        else:
            name, value = line.strip().split(":", 1)
            rules[-1][1][name] = value.strip()
    return rules


def rule_matches(rule: str, url_path: str) -> bool:
    return url_path.startswith(rule[:-1]) if rule.endswith("*") else url_path == rule


@pytest.mark.parametrize("placement", ["root", "sub-path"])
def test_headers_file_gives_each_file_one_rule_with_the_servers_caching(hosted_builds, nginx, placement):
    """Netlify takes a header from one matching rule and Cloudflare Pages joins them all, so each URL must match
    exactly one rule; and each rule must say what nginx sends for the same file."""
    folder, _ = hosted_builds[placement]
    rules = header_rules((folder / "_headers").read_text())
    site = nginx.sites[placement]
    problems = []
    for path in served_files(folder):
        urls = ["/" + path] + (["/" + path[: -len("index.html")]] if path.endswith("index.html") else [])
        for url in urls:
            matching = [values for rule, values in rules if rule_matches(rule, url)]
            if len(matching) != 1:
                problems.append(f"{url}: {len(matching)} rules match")
                continue
            _, headers, _ = get(site, path)
            if matching[0].get("Cache-Control") != headers.get("Cache-Control"):
                problems.append(f"{url}: _headers says {matching[0].get('Cache-Control')!r}, nginx sends {headers.get('Cache-Control')!r}")
    assert not problems, "\n".join(problems)


def test_redirects_file_only_for_a_site_under_a_sub_path(hosted_builds):
    root, _ = hosted_builds["root"]
    sub, _ = hosted_builds["sub-path"]
    assert not (root / "_redirects").exists()
    rules = [line.split() for line in (sub / "_redirects").read_text().splitlines() if line and not line.startswith("#")]
    assert rules == [[SUB_PATH + "*", "/:splat", "200"]]
    assert (root / ".nojekyll").exists() and (sub / ".nojekyll").exists()


def test_github_pages_workflow_runs_make_and_publishes_public():
    import yaml

    workflow = yaml.safe_load((DEPLOY / "github-pages.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job.get("steps", [])]
    runs = [step["run"] for step in steps if "run" in step]
    assert any(run.startswith("make ") for run in runs), runs
    uploads = [step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert uploads and uploads[0]["with"]["path"] == "public", uploads
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in steps)
    # The workflow passes the Pages address through BUILD_ARGS: `make` must hand them to `briefing build`.
    make = next(run for run in runs if run.startswith("make "))
    assert "BUILD_ARGS=" in make, make
    dry_run = subprocess.run(["make", "-n", "site", "BUILD_ARGS=--base-url https://owner.example/repo/"], cwd=REPOSITORY,
                             capture_output=True, text=True)
    assert "briefing build --base-url https://owner.example/repo/" in dry_run.stdout, dry_run.stdout + dry_run.stderr


# MARK: - The servers themselves


def test_servers_run_unprivileged_and_write_nothing_outside_their_folder(nginx, apache, system_state_before):
    # As root, the servers run as nobody; otherwise as the user running the tests.
    expected_uid = 65534 if os.geteuid() == 0 else os.geteuid()
    for server in (nginx, apache):
        processes = [server.process.pid] + [int(pid) for pid in subprocess.run(
            ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True).stdout.split()]
        assert len(processes) >= 2, f"{server.name}: no worker processes"
        for pid in processes:
            uids = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:"))
            real, effective = (int(value) for value in uids.split()[1:3])
            assert real == effective == expected_uid, f"{server.name} process {pid} runs as {uids}"
    assert snapshot_system_state() == system_state_before
