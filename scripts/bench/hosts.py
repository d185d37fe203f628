#!/usr/bin/env python3
"""The publishing part of `make bench` (run.py calls `report`; it also runs alone: `python3 scripts/bench/hosts.py`).

1. What a reader downloads for the overview and for a quote page: the page and the stylesheet and scripts it loads,
   sent plain, as the .gz copies (a browser that accepts gzip) and as the .br copies (one that accepts brotli), as
   nginx with gzip_static and brotli_static and Apache with the build's .htaccess send them. HTTP headers are left out.
   For the shipped briefing and for each synthetic size of BENCH_SIZES up to 10,000 entries.
2. What `briefing build --precompress` adds to a build: full builds of the synthetic briefing with and without it,
   alternating, into new folders; and a rebuild after one quote is edited, with the output in place, with and without.
   At each size of BENCH_SIZES up to 10,000 entries (100,000 would take most of an hour at brotli's quality 11).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the binary, the corpora, the timing and the settling are shared with `make bench`)

LARGEST = 10_000


class Loads(HTMLParser):
    """The stylesheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.files = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.files.append(attributes["href"])
        if tag == "script" and attributes.get("src"):
            self.files.append(attributes["src"])


def downloaded(site, page):
    """(plain, gzip, brotli) bytes of `page` of the built `site` with what it loads; each encoding falls back to the
    next one down where a file has no copy, as the servers do."""
    loads = Loads()
    loads.feed(open(os.path.join(site, page), encoding="utf-8").read())
    files = [os.path.join(site, page)] + [os.path.normpath(os.path.join(site, os.path.dirname(page), href)) for href in loads.files]

    def size(path, *suffixes):
        for suffix in suffixes:
            if os.path.exists(path + suffix):
                return os.path.getsize(path + suffix)
        return os.path.getsize(path)

    return (sum(size(f) for f in files), sum(size(f, ".gz") for f in files), sum(size(f, ".br", ".gz") for f in files),
            len(files))


def build(content, output, *arguments):
    command = [bench.BRIEFING, "build", "--content", content, "--assets", os.path.join(bench.ROOT, "templates", "assets"),
               "--output", output, *arguments]
    return bench.run(command, os.path.dirname(content))


def quote_page(site):
    quotes = sorted(name for name in os.listdir(os.path.join(site, "quotes")) if name not in ("index.html", "page")
                    and not name.endswith((".br", ".gz")))
    return f"quotes/{quotes[len(quotes) // 2]}/index.html"


def print_download_table(rows):
    print("\nBytes a reader downloads: the page with the stylesheet and scripts it loads (HTTP headers not counted); "
          "gzip and brotli are the copies `--precompress` writes, as nginx (gzip_static, brotli_static) and Apache "
          "(the build's .htaccess) send them.\n")
    print("| briefing | page | files | plain | gzip | brotli | gzip/plain | brotli/plain | brotli/gzip |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, page, (plain, gz, br, files) in rows:
        print(f"| {name} | {page} | {files} | {plain:,} B | {gz:,} B | {br:,} B | {gz / plain:.2f} | {br / plain:.2f} | {br / gz:.2f} |",
              flush=True)


def shipped_downloads(scratch):
    shipped = os.path.join(scratch, "shipped")
    build(os.path.join(bench.ROOT, "content"), shipped, "--precompress")
    return [("shipped", "overview", downloaded(shipped, "index.html")), ("shipped", "a quote", downloaded(shipped, quote_page(shipped)))]


def size_downloads(size, output):
    return [(f"{size:,} entries", "overview", downloaded(output, "index.html")),
            (f"{size:,} entries", "a quote", downloaded(output, quote_page(output)))]


def edit_one_quote(site):
    quotes = os.path.join(site, "content", "quotes")
    path = os.path.join(quotes, sorted(os.listdir(quotes))[len(os.listdir(quotes)) // 3])
    text = open(path).read()
    return path, text


def measure_cost(size, runs):
    """Medians of alternating runs: full builds without and with --precompress, then rebuilds after one edit."""
    site = bench.corpus(size)
    content = os.path.join(site, "content")
    outputs = os.path.join(site, "runs-precompress")
    bench.remove_outputs(outputs)
    bench.wait_out_deletions()
    settle = int(os.environ.get("BENCH_SETTLE", "60"))
    results = {"plain": [], "precompressed": [], "plain rebuild": [], "precompressed rebuild": []}
    quote, original = edit_one_quote(site)
    try:
        for index in range(runs):
            for name, arguments in (("plain", ["--no-precompress"]), ("precompressed", ["--precompress"])):
                output = os.path.join(outputs, f"{name}-{index + 1}")
                bench.settle(settle)
                results[name].append(build(content, output, *arguments))
                with open(quote, "w") as out:
                    out.write(original + f"\nEdited for the benchmark ({index + 1}).\n")
                bench.settle(settle)
                results[name + " rebuild"].append(build(content, output, *arguments))
                with open(quote, "w") as out:
                    out.write(original)
    finally:
        with open(quote, "w") as out:
            out.write(original)
    medians = {name: tuple(statistics.median(r[i] for r in rows) for i in range(3)) for name, rows in results.items()}
    built = os.path.join(outputs, "precompressed-1")
    copies = sum(1 for _, _, files in os.walk(built) for name in files if name.endswith((".br", ".gz")))
    return medians, copies, size_downloads(size, built)


def report(sizes=None):
    sizes = [s for s in (sizes or [int(s) for s in os.environ.get("BENCH_SIZES", "1000 10000").split()]) if s <= LARGEST]
    os.makedirs(bench.WORK, exist_ok=True)
    costs = {}
    for size in sizes:
        costs[size] = measure_cost(size, int(os.environ.get("BENCH_RUNS", 3)))
    scratch = tempfile.mkdtemp(prefix="hosts-", dir=bench.WORK)
    try:
        print_download_table(shipped_downloads(scratch) + [row for size in sizes for row in costs[size][2]])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if sizes:
        print("\nWhat `--precompress` adds (a .br and a .gz copy of every text file above 1 KB: brotli 11 and gzip 9 for the "
              "stylesheet and scripts, brotli 5 and gzip 6 for the rest): medians of alternating full builds into new "
              "folders, and of rebuilds after one quote is edited, output in place. CPU counts the Markdown workers too.\n")
        print("| entries | copies | build | with --precompress | added | ratio | CPU | with | rebuild after one edit | with --precompress | added |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        medians, copies, _ = costs[size]
        (pw, pc, _), (cw, cc, _) = medians["plain"], medians["precompressed"]
        (rw, _, _), (rcw, _, _) = medians["plain rebuild"], medians["precompressed rebuild"]
        print(f"| {size:,} | {copies:,} | {pw:.2f} s | {cw:.2f} s | {cw - pw:+.2f} s | {cw / pw:.2f} | {pc:.2f} s | {cc:.2f} s "
              f"| {rw:.2f} s | {rcw:.2f} s | {rcw - rw:+.2f} s |", flush=True)
    # Only now, for the disk's sake (run.py says why).
    for size in sizes:
        bench.remove_outputs(os.path.join(bench.WORK, f"site-{size}", "runs-precompress"))


if __name__ == "__main__":
    report()
