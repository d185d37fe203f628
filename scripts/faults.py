#!/usr/bin/env python3
"""Faults for `make load-faults`, run against a preview server on loopback while wrk loads it; stops by itself.

For DURATION seconds, at the same time:
  - slowloris: SILENT connections that send nothing, and DRIBBLE connections that send a request head one byte a
    second and never finish it; reports how many the server closed, and after how long;
  - leavers: download a large file, read 100 bytes, close (every other one with a reset), over and over;
  - oversized: a request with a 1 MB header every half second; reports what came back;
  - rebuilds: a content file rewritten every half second, so the server rebuilds and swaps its output folder;
  - a browser: GET / every quarter second, checked to be a whole page; reports statuses and the slowest answer.
Only the standard library; every socket has a timeout, so nothing here can hang.
"""
import argparse
import selectors
import socket
import statistics
import struct
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--duration", type=float, default=20)
parser.add_argument("--content", required=True, help="the content folder the server watches (a copy: it is written to)")
parser.add_argument("--silent", type=int, default=200)
parser.add_argument("--dribble", type=int, default=200)
parser.add_argument("--big", default="/assets/big.bin")
args = parser.parse_args()

HOST = "127.0.0.1"
start = time.monotonic()
deadline = start + args.duration
results = {}


def connect(timeout=5.0):
    sock = socket.create_connection((HOST, args.port), timeout=timeout)
    return sock


def read_all(sock):
    """Bytes until the server closes; 'reset' or 'timeout' when it ends otherwise."""
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data, "closed"
            data += chunk
    except ConnectionResetError:
        return data, "reset"
    except socket.timeout:
        return data, "timeout"


def slowloris():
    selector = selectors.DefaultSelector()
    opened = {}
    for index in range(args.silent + args.dribble):
        try:
            sock = connect()
        except OSError as error:
            results.setdefault("slowloris_connect_errors", []).append(str(error))
            continue
        sock.setblocking(False)
        kind = "silent" if index < args.silent else "dribble"
        opened[sock] = (kind, time.monotonic())
        selector.register(sock, selectors.EVENT_READ)
    head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10000
    sent = {sock: 0 for sock in opened}
    closed = {"silent": [], "dribble": []}
    answered = 0
    next_byte = time.monotonic() + 1
    while time.monotonic() < deadline and opened:
        for key, _ in selector.select(timeout=0.1):
            sock = key.fileobj
            try:
                data = sock.recv(4096)
            except (ConnectionResetError, BlockingIOError):
                data = b""
            if data:
                answered += 1
            kind, opened_at = opened.pop(sock)
            closed[kind].append(time.monotonic() - opened_at)
            selector.unregister(sock)
            sock.close()
        if time.monotonic() >= next_byte:
            next_byte += 1
            for sock, (kind, _) in list(opened.items()):
                if kind == "dribble":
                    try:
                        sock.send(head[sent[sock]:sent[sock] + 1])
                        sent[sock] += 1
                    except OSError:
                        pass
    for sock in opened:
        sock.close()
    results["slowloris"] = (closed, answered, args.silent, args.dribble)


def leavers():
    count = 0
    resets = 0
    while time.monotonic() < deadline:
        try:
            sock = connect()
            sock.sendall(f"GET {args.big} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            if sock.recv(100):
                count += 1
            if count % 2 == 0:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                resets += 1
            sock.close()
        except OSError as error:
            results.setdefault("leaver_errors", []).append(str(error))
            time.sleep(0.05)
    results["leavers"] = (count, resets)


def oversized():
    outcomes = {}
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n"
    while time.monotonic() < deadline:
        try:
            sock = connect(timeout=10)
            try:
                sock.sendall(request)
            except OSError:
                pass  # the server stopped reading: what matters is what it says, if anything
            data, ending = read_all(sock)
            sock.close()
            outcome = data.split(b"\r\n", 1)[0].decode(errors="replace") if data else ending
        except OSError as error:
            outcome = f"error {error}"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        time.sleep(0.5)
    results["oversized"] = outcomes


def rebuilds():
    path = f"{args.content}/pages/about.md"
    with open(path, encoding="utf-8") as file:
        original = file.read()
    count = 0
    try:
        while time.monotonic() < deadline:
            count += 1
            with open(path, "w", encoding="utf-8") as file:
                file.write(original + ("\nRebuild %d.\n" % count if count % 2 else ""))
            time.sleep(0.5)
    finally:
        with open(path, "w", encoding="utf-8") as file:
            file.write(original)
    results["rebuilds"] = count


def browser():
    latencies = []
    outcomes = {}
    while time.monotonic() < deadline:
        began = time.monotonic()
        try:
            sock = connect(timeout=10)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data, ending = read_all(sock)
            sock.close()
            head, _, body = data.partition(b"\r\n\r\n")
            status = head.split(b" ", 2)[1].decode() if head else ending
            whole = status == "200" and body.rstrip().endswith(b"</html>")
            outcome = f"{status} {'whole page' if whole else 'NOT a whole page'}"
        except OSError as error:
            outcome = f"error {error}"
        latencies.append(time.monotonic() - began)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        time.sleep(0.25)
    results["browser"] = (outcomes, latencies)


threads = [threading.Thread(target=work) for work in (slowloris, leavers, oversized, rebuilds, browser)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(args.duration + 30)


def seconds(values):
    return f"median {statistics.median(values):.1f} s, max {max(values):.1f} s" if values else "none"


closed, answered, silent, dribble = results.get("slowloris", ({"silent": [], "dribble": []}, 0, 0, 0))
print(f"slowloris:   {len(closed['silent'])} of {silent} silent connections closed by the server ({seconds(closed['silent'])}), "
      f"{len(closed['dribble'])} of {dribble} dribbling ones ({seconds(closed['dribble'])}); {answered} got any bytes back")
if "slowloris_connect_errors" in results:
    print(f"             {len(results['slowloris_connect_errors'])} could not connect: {results['slowloris_connect_errors'][0]}")
count, resets = results.get("leavers", (0, 0))
print(f"leavers:     {count} downloads of {args.big} abandoned after 100 bytes ({resets} with a reset)"
      + (f"; {len(results['leaver_errors'])} errors, first: {results['leaver_errors'][0]}" if "leaver_errors" in results else ""))
print("oversized:   1 MB header -> " + ", ".join(f"{n} x {what}" for what, n in sorted(results.get("oversized", {}).items())))
print(f"rebuilds:    {results.get('rebuilds', 0)} saves of pages/about.md, one every 0.5 s")
outcomes, latencies = results.get("browser", ({}, []))
print("browser:     GET / every 0.25 s -> " + ", ".join(f"{n} x {what}" for what, n in sorted(outcomes.items()))
      + (f"; latency median {statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms" if latencies else ""))
bad = [f"browser -> {what}" for what in outcomes if what != "200 whole page"]
bad += [f"1 MB header -> {what}" for what in results.get("oversized", {})
        if not (what in ("closed", "reset") or what.startswith("HTTP/1.1 4"))]
if answered or bad:
    print("faults: FAILED: " + (f"{answered} slow connections were answered; " if answered else "") + ", ".join(bad))
    raise SystemExit(1)
