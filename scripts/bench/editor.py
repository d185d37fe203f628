"""The editor's part of `make bench`: `briefing serve` on a built synthetic briefing, a quote saved through the editor's
form (a plain POST, as a browser without JavaScript sends it) and timed to the live-reload event that follows, and the
live check of a draft timed from request to answer, for a draft the site accepts and for one with an error.

Called by run.py for each size; prints its own table after run.py's.
"""
import html
import os
import re
import socket
import statistics
import sys
import time
import urllib.parse

import preview


def request(port, method, path, body=b"", headers=None):
    """One HTTP/1.1 exchange on a fresh connection; returns (status, headers, body)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode(), payload.decode()


def form_fields(page):
    """The fields a browser would send for the editor's form (without its buttons)."""
    form = page[page.index('<form method="post"'):page.index("</form>")]
    fields = []
    for match in re.finditer(r"<(input|textarea|select)([^>]*)>", form):
        tag, attributes = match.groups()
        name = re.search(r'name="([^"]*)"', attributes)
        if not name:
            continue
        name = html.unescape(name.group(1))
        if tag == "input":
            kind = re.search(r'type="([^"]*)"', attributes).group(1)
            value = re.search(r'value="([^"]*)"', attributes)
            if kind == "checkbox":
                if " checked" in attributes:
                    fields.append((name, "true"))
            else:
                fields.append((name, html.unescape(value.group(1)) if value else ""))
        elif tag == "textarea":
            text = form[match.end():form.index("</textarea>", match.end())]
            fields.append((name, html.unescape(text[1:] if text.startswith("\n") else text)))
        else:
            options = form[match.end():form.index("</select>", match.end())]
            selected = re.search(r'<option value="([^"]*)" selected', options)
            fields.append((name, html.unescape(selected.group(1)) if selected else ""))
    return fields


def measure(briefing, site, output, assets, templates, saves=5, checks=15):
    """Median ms: a save through the editor of a quote's text (its body), and of one of its fields, each to the reload
    event; the live check of a valid draft and of a draft with an error."""
    server, port = preview.start(briefing, f"{site}/content", output, assets, templates, site)
    try:
        events = preview.Events(port)
        quotes = sorted(os.listdir(os.path.join(site, "content", "quotes")))
        quote = quotes[len(quotes) // 3][:-len(".md")]
        path = f"/__briefing/edit/quote/{quote}"
        origin = {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/x-www-form-urlencoded"}
        original = open(os.path.join(site, "content", "quotes", quote + ".md"), "rb").read()

        def post(fields):
            return request(port, "POST", path, urllib.parse.urlencode(fields).encode(), origin)

        saved = {"body": [], "medium": []}
        for number in range(saves):
            for key in saved:
                time.sleep(0.3)
                status, _, page = request(port, "GET", path)
                fields = form_fields(page)
                if key == "body":
                    fields = [(name, value + f"\nSaved for the benchmark ({number + 1}).\n" if name == "body" else value) for name, value in fields]
                else:
                    fields = [(name, value) for name, value in fields if name != "medium"]
                    fields.append(("medium", f"statement, saved for the benchmark ({number + 1})"))
                begin = time.perf_counter()
                status, head, _ = post(fields + [("action", "save")])
                if status != 303:
                    sys.exit(f"the editor did not save: {status}\n{head}")
                events.until_reload("the save")
                saved[key].append((time.perf_counter() - begin) * 1000)

        _, _, page = request(port, "GET", path)
        fields = form_fields(page)
        speaker = dict(fields)["speaker"]
        timings = {"valid": [], "error": []}
        for number in range(checks):
            # A new date, or a misspelt speaker: the resolve stage's "unknown person … (did you mean …?)".
            for case, key, value in (("valid", "date", f"2025-05-1{number % 9 + 1}"), ("error", "speaker", speaker + "x")):
                draft = [(name, value if name == key else given) for name, given in fields] + [("action", "live-check")]
                begin = time.perf_counter()
                status, _, answer = post(draft)
                timings[case].append((time.perf_counter() - begin) * 1000)
                if status != 200 or (case == "error") != ('"count":0' not in answer):
                    sys.exit(f"unexpected live check answer for the {case} draft: {status} {answer[:200]}")
        events.close()
        with open(os.path.join(site, "content", "quotes", quote + ".md"), "wb") as out:
            out.write(original)
        return {"save": statistics.median(saved["body"]), "save-field": statistics.median(saved["medium"]),
                "check": statistics.median(timings["valid"]),
                "check-error": statistics.median(timings["error"])}
    finally:
        server.terminate()
        server.wait(timeout=30)


def print_table(measured):
    print("\nThe editor: `briefing serve` on the built site; medians in ms. save→reload = a quote saved through the editor's "
          "form (POST) to the live-reload event, with its text changed, or one of its fields (which also rewrites data.json "
          "and the search index); live check = a quote's draft checked against the site in memory, from request to answer: "
          "with a new date, and with a misspelt speaker.\n")
    print("| entries | save→reload, text | save→reload, a field | live check, valid draft | live check, draft with an error |")
    print("|---:|---:|---:|---:|---:|")
    for size, result in sorted(measured.items()):
        editor = result["editor"]
        print(f"| {size:,} | {editor['save']:.0f} ms | {editor['save-field']:.0f} ms | {editor['check']:.1f} ms "
              f"| {editor['check-error']:.1f} ms |", flush=True)
