"""The editor's part of `make bench`: `briefing serve` on a built synthetic briefing, a quote saved through the editor's
form (a plain POST, as a browser without JavaScript sends it) and timed to the live-reload event that follows, and the
live check of a draft timed from request to answer, for a draft the site accepts and for one with an error.

Called by run.py for each size; prints its own table after run.py's.
"""
import html
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse


def start(briefing, site, output, assets, templates):
    server = subprocess.Popen([briefing, "serve", "--port", "0", "--content", f"{site}/content", "--assets", assets,
                               "--output", output, "--templates", templates],
                              cwd=site, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in server.stdout:
        found = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return server, int(found.group(1))
    sys.exit("briefing serve did not start")


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
    """Median ms: save through the editor → reload event; live check of a valid draft; of a draft with an error."""
    import os

    server, port = start(briefing, site, output, assets, templates)
    try:
        events = socket.create_connection(("127.0.0.1", port))
        events.sendall(b"GET /__briefing/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        stream = events.makefile("rb")

        def next_event():
            name = None
            for raw in stream:
                line = raw.decode().rstrip("\r\n")
                if line.startswith("event: "):
                    name = line[len("event: "):]
                elif line == "" and name:
                    return name
            sys.exit("the live-reload stream ended")

        if next_event() != "status":
            sys.exit("no status event from briefing serve")
        quotes = sorted(os.listdir(os.path.join(site, "content", "quotes")))
        quote = quotes[len(quotes) // 3][:-len(".md")]
        path = f"/__briefing/edit/quote/{quote}"
        origin = {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/x-www-form-urlencoded"}
        original = open(os.path.join(site, "content", "quotes", quote + ".md"), "rb").read()

        def post(fields):
            return request(port, "POST", path, urllib.parse.urlencode(fields).encode(), origin)

        saved = []
        for number in range(saves):
            time.sleep(0.3)
            status, _, page = request(port, "GET", path)
            fields = [(name, f"statement, saved for the benchmark ({number + 1})" if name == "medium" else value)
                      for name, value in form_fields(page)]
            if not any(name == "medium" for name, _ in fields):
                fields.append(("medium", f"statement, saved for the benchmark ({number + 1})"))
            begin = time.perf_counter()
            status, head, _ = post(fields + [("action", "save")])
            if status != 303:
                sys.exit(f"the editor did not save: {status}\n{head}")
            while (event := next_event()) != "reload":
                if event == "build-error":
                    sys.exit("the save broke the build")
            saved.append((time.perf_counter() - begin) * 1000)

        _, _, page = request(port, "GET", path)
        fields = form_fields(page)
        timings = {"valid": [], "error": []}
        for number in range(checks):
            for case, date in (("valid", "2025-05-1" + str(number % 9 + 1)), ("error", "2025-13-01")):
                draft = [(name, date if name == "date" else value) for name, value in fields] + [("action", "live-check")]
                begin = time.perf_counter()
                status, _, answer = post(draft)
                timings[case].append((time.perf_counter() - begin) * 1000)
                if status != 200 or (case == "error") != ('"count":0' not in answer):
                    sys.exit(f"unexpected live check answer for the {case} draft: {status} {answer[:200]}")
        events.close()
        with open(os.path.join(site, "content", "quotes", quote + ".md"), "wb") as out:
            out.write(original)
        return {"save": statistics.median(saved), "check": statistics.median(timings["valid"]),
                "check-error": statistics.median(timings["error"])}
    finally:
        server.terminate()
        server.wait(timeout=30)


def print_table(measured):
    print("\nThe editor: `briefing serve` on the built site; medians in ms. save→reload = a quote saved through the editor's "
          "form (POST) to the live-reload event; live check = the draft checked against the site in memory, from request "
          "to answer, for a valid draft and for one with an error (the whole site resolved again).\n")
    print("| entries | save→reload | live check, valid draft | live check, draft with an error |")
    print("|---:|---:|---:|---:|")
    for size, result in sorted(measured.items()):
        editor = result["editor"]
        print(f"| {size:,} | {editor['save']:.0f} ms | {editor['check']:.1f} ms | {editor['check-error']:.1f} ms |", flush=True)
