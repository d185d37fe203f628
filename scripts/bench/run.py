#!/usr/bin/env python3
"""`make bench`: builds synthetic briefings with briefing and with Hugo, side by side, and reports
wall time, CPU time and peak memory for each, the ratio ours/Hugo, and the floor: the cmark-gfm
command rendering the same Markdown plus copying an output tree of the same size.

Commands are run in alternation (ours, Hugo, floor, ours, ...) so that a slow moment of the
machine's disk or a busy neighbour falls on all of them alike. Each run is a child process; its
CPU time and peak RSS come from wait4().

Each run writes into a folder of its own, and the folders are removed only after the last run: on ext4
without a journal (the benchmark machine's disk) the kernel skips inodes freed in the last minute or more when it
makes a file, so a tree created right after deleting one takes several times longer (BENCHMARKS.md,
"The disk"), and that would time the harness's deletions rather than the tools. For the same reason the
folders of every size are removed only after the last size, and a bench waits until the last removal is six and
a half minutes old before it times anything. Before each run the
file system's writes are flushed and the harness waits until no task has waited on I/O for two seconds
(at most BENCH_SETTLE seconds, default 60), so no run pays for the writeback of what ran before it.
"""
import hashlib
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time

import editor
import preview

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BRIEFING = os.path.abspath(os.environ.get("BRIEFING", os.path.join(ROOT, ".build", "release", "briefing")))
WORK = os.path.abspath(os.environ.get("BENCH_DIR", os.path.join(ROOT, ".build-bench")))


def run(command, cwd):
    """Runs `command`; returns (wall seconds, CPU seconds, peak RSS in MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    error = process.stderr.read().decode()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{error}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


# How long after a deletion making files near it stays slow: ext4 without a journal steps over every inode freed in the
# last 60 s, or the last 360 s while its block of the inode table waits to be written back, each time it makes a file
# (fs/ext4/ialloc.c, recently_deleted()). Rounded up.
DELETION_WINDOW = 390


def remove_outputs(outputs):
    """Removes run folders, noting when in WORK/runs.removed for `wait_out_deletions`."""
    if os.path.exists(outputs):
        shutil.rmtree(outputs, ignore_errors=True)
        with open(os.path.join(WORK, "runs.removed"), "w") as out:
            out.write(f"{time.time()}\n")


def wait_out_deletions():
    """Waits until the harness's last removal of run folders is DELETION_WINDOW seconds old. New run folders take
    the same places on the disk, and a bench started right after another would time the kernel stepping over the
    inodes the last one freed (BENCHMARKS.md, "The disk"), mostly in the first tool to run; at 100,000 entries
    even the 10,000-entry folders deleted a minute before slowed it. Not with BENCH_SETTLE=0 (the smoke run)."""
    try:
        with open(os.path.join(WORK, "runs.removed")) as marker:
            removed = float(marker.read())
    except (OSError, ValueError):
        return
    left = removed + DELETION_WINDOW - time.time()
    if left > 0 and int(os.environ.get("BENCH_SETTLE", "60")) > 0:
        print(f"(waiting {left:.0f} s: run folders were deleted {time.time() - removed:.0f} s ago)", file=sys.stderr, flush=True)
        time.sleep(left)


def io_stall_microseconds():
    """Total time tasks have waited on I/O since boot (Linux pressure stall information), or None without PSI."""
    try:
        with open("/proc/pressure/io") as pressure:
            return int(pressure.readline().split("total=")[1])
    except (OSError, IndexError, ValueError):
        return None


def settle(limit):
    """Flushes the file system's writes, then waits (at most `limit` seconds) until no task has waited on I/O for two
    seconds: the writeback of the run before, or of deletions, otherwise lands in the next run, whichever tool it is."""
    os.sync()
    last = io_stall_microseconds()
    if last is None or limit <= 0:
        return
    start = quiet_since = time.monotonic()
    while time.monotonic() - start < limit:
        time.sleep(0.25)
        now = io_stall_microseconds()
        if now - last > 1000:
            quiet_since = time.monotonic()
        last = now
        if time.monotonic() - quiet_since >= 2:
            return
    print(f"(the disk was still busy after {limit} s; timing anyway)", file=sys.stderr)


def edit_to_reload(site, output, edits=5):
    """Serves the built site with `briefing serve`, saves one quote `edits` times and returns the median milliseconds
    from the start of each write to the arrival of the live-reload event that follows it."""
    assets = os.path.join(ROOT, "templates", "assets")
    server, port = preview.start(BRIEFING, os.path.join(site, "content"), output, assets, os.path.join(ROOT, "templates"), site)
    try:
        events = preview.Events(port)
        quotes = os.path.join(site, "content", "quotes")
        quote = os.path.join(quotes, sorted(os.listdir(quotes))[len(os.listdir(quotes)) // 2])
        original = open(quote).read()
        times = []
        for edit in range(edits):
            time.sleep(0.3)
            start = time.perf_counter()
            with open(quote, "w") as out:
                out.write(original + f"\nEdited for the benchmark ({edit + 1}).\n")
            events.until_reload("the edit")
            times.append((time.perf_counter() - start) * 1000)
        with open(quote, "w") as out:
            out.write(original)
        events.close()
        return statistics.median(times)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def corpus(size):
    """The synthetic briefing of `size` entries in WORK, and bodies.md beside it: every Markdown body, for the floor.
    Made again only when the generator or the size changed, since deleting and rewriting tens of thousands of files
    would slow the file system for the runs that follow."""
    site = os.path.join(WORK, f"site-{size}")
    generator = os.path.join(ROOT, "scripts", "bench", "generate.py")
    stamp_path, stamp = os.path.join(site, ".generated"), f"{size} {hashlib.sha256(open(generator, 'rb').read()).hexdigest()}\n"
    bodies = os.path.join(site, "bodies.md")
    fresh = not os.path.exists(stamp_path) or open(stamp_path).read() != stamp
    if fresh:
        subprocess.run([sys.executable, generator, str(size), site], check=True, stdout=subprocess.DEVNULL)
        with open(stamp_path, "w") as out:
            out.write(stamp)
    if fresh or not os.path.exists(bodies):
        with open(bodies, "w") as out:
            for folder, _, files in sorted(os.walk(os.path.join(site, "content"))):
                for name in sorted(files):
                    if name.endswith(".md"):
                        text = open(os.path.join(folder, name)).read()
                        out.write(text.split("\n---\n", 1)[-1] + "\n")
    return site


def floor_render(site):
    """The floor's first part: Debian's cmark-gfm rendering every body of `site` in one process."""
    return ["cmark-gfm", "--unsafe", "-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tasklist",
            os.path.join(site, "bodies.md")]


def measure(size, runs):
    site = corpus(size)
    outputs = os.path.join(site, "runs")
    remove_outputs(outputs)  # left by a bench that was stopped
    wait_out_deletions()
    assets = os.path.join(ROOT, "templates", "assets")

    def timed(command):
        settle(int(os.environ.get("BENCH_SETTLE", "60")))
        return run(command, site)

    results = {"ours": [], "hugo": [], "floor": [], "noop": []}
    for index in range(runs):
        ours_out, hugo_out, floor_out = (os.path.join(outputs, f"{name}-{index + 1}") for name in ("briefing", "hugo", "floor"))
        ours = [BRIEFING, "build", "--content", os.path.join(site, "content"), "--assets", assets, "--output", ours_out]
        results["ours"].append(timed(ours))
        results["noop"].append(timed(ours))
        results["hugo"].append(timed(["hugo", "--quiet", "--source", os.path.join(site, "hugo"), "--destination", hugo_out]))
        render = timed(floor_render(site))
        copy = timed(["cp", "-r", ours_out, floor_out])
        results["floor"].append((render[0] + copy[0], render[1] + copy[1], max(render[2], copy[2])))
    hugo = ["hugo", "--quiet", "--source", os.path.join(site, "hugo"), "--destination", hugo_out]
    results.update(measure_rebuilds(site, ours, hugo, runs, timed))
    medians = {name: tuple(statistics.median(r[i] for r in rows) for i in range(3)) for name, rows in results.items()}
    medians["reload"] = edit_to_reload(site, ours_out)
    medians["editor"] = editor.measure(BRIEFING, site, ours_out, assets, os.path.join(ROOT, "templates"))
    return medians


def measure_rebuilds(site, ours, hugo, runs, timed):
    """An editor's `make` after changing one quote, with the output in place: the same quote edited in both tools'
    content, then briefing's rebuild, briefing's no-op rebuild and Hugo's rebuild into its existing output, alternating.
    `ours` and `hugo` build into the last fresh run's folders. The first rebuild over a fresh build has no spare yet
    (briefing keeps the site before beside the output from then on) and is reported on its own, one run."""
    quotes = os.path.join(site, "content", "quotes")
    names = sorted(os.listdir(quotes))
    name = names[len(names) // 4]
    originals = {path: open(path).read() for path in (os.path.join(quotes, name), os.path.join(site, "hugo", "content", "quotes", name))}
    results = {"first rebuild": [], "rebuild": [], "noop rebuild": [], "hugo rebuild": []}
    try:
        for index in range(runs + 1):
            for path, text in originals.items():
                with open(path, "w") as out:
                    out.write(text + f"\nEdited for the benchmark ({index + 1}).\n")
            if index == 0:
                results["first rebuild"].append(timed(ours))
                timed(hugo)
                continue
            results["rebuild"].append(timed(ours))
            results["noop rebuild"].append(timed(ours))
            results["hugo rebuild"].append(timed(hugo))
    finally:
        for path, text in originals.items():
            with open(path, "w") as out:
                out.write(text)
    return results


def print_rebuilds(measured):
    """The rebuild with the output in place beside the fresh build, for briefing and Hugo."""
    print("\nRebuild with the output in place: one quote edited, then each tool builds into its existing output (medians "
          "of alternating runs; the first rebuild after a fresh build, before briefing has a spare, one run).\n")
    print("| entries | briefing fresh | rebuild after one edit | first rebuild | no-op rebuild | Hugo fresh | Hugo rebuild "
          "| rebuild/fresh | first rebuild/fresh | rebuild/Hugo rebuild | no-op/fresh |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, r in sorted(measured.items()):
        fresh, rebuild, first, noop = r["ours"][0], r["rebuild"][0], r["first rebuild"][0], r["noop rebuild"][0]
        hugo_fresh, hugo_rebuild = r["hugo"][0], r["hugo rebuild"][0]
        print(f"| {size:,} | {fresh:.2f} s | {rebuild:.2f} s | {first:.2f} s | {noop:.3f} s | {hugo_fresh:.2f} s | {hugo_rebuild:.2f} s "
              f"| {rebuild / fresh:.2f} | {first / fresh:.2f} | {rebuild / hugo_rebuild:.2f} | {noop / fresh:.3f} |", flush=True)


def print_growth(figures):
    """Prints how each size's figures grew from the size below; linear growth is the ratio of the sizes.
    `figures`: size → [(column, figure)], the same columns at every size. A figure of 0 at the smaller size (a tiny
    run's CPU time, below what the kernel counts) has no ratio."""
    sizes = sorted(figures)
    if len(sizes) < 2:
        return
    columns = [column for column, _ in figures[sizes[0]]]
    print("\nGrowth from the size below (linear = the ratio of the entries):\n")
    print("| entries | ratio | " + " | ".join(columns) + " |")
    print("|---:|---:|" + "---:|" * len(columns))
    for smaller, larger in zip(sizes, sizes[1:]):
        grown = [f"{after / before:.1f}×" if before > 0 else "–" for (_, before), (_, after) in zip(figures[smaller], figures[larger])]
        print(f"| {smaller:,} → {larger:,} | {larger / smaller:.1f}× | " + " | ".join(grown) + " |", flush=True)


def print_scaling(measured):
    """The growth of briefing's, Hugo's and the floor's costs from each size to the next."""
    print_growth({size: [("briefing wall", r["ours"][0]), ("CPU", r["ours"][1]), ("peak RSS", r["ours"][2]),
                         ("Hugo wall", r["hugo"][0]), ("CPU", r["hugo"][1]), ("peak RSS", r["hugo"][2]),
                         ("floor wall", r["floor"][0])]
                  for size, r in measured.items()})


def main():
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000 10000 100000").split()]
    os.makedirs(WORK, exist_ok=True)
    cores = os.cpu_count()
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"Machine: {cores} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB; Hugo {hugo_version}; "
          f"cmark-gfm {subprocess.run(['cmark-gfm', '--version'], capture_output=True, text=True).stdout.split()[1]}")
    print("Medians of alternating runs. floor = cmark-gfm rendering all bodies in one process + cp -r of an output tree.\n")
    print("edit→reload = `briefing serve` on the built site: median ms from writing one quote to the live-reload event.\n")
    print("| entries | briefing wall | CPU | peak RSS | Hugo wall | CPU | peak RSS | floor wall | no-op rebuild | edit→reload | ours/floor | ours/Hugo wall | ours/Hugo RSS | no-op/full |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    measured = {}
    for size in sizes:
        # Three runs at 100,000 entries, not one: single builds of that size vary by a quarter within an hour on a shared disk.
        runs = int(os.environ.get("BENCH_RUNS", 5 if size <= 10_000 else 3))
        r = measured[size] = measure(size, runs)
        (ow, oc, om), (hw, hc, hm), (fw, _, _), (nw, _, _) = r["ours"], r["hugo"], r["floor"], r["noop"]
        print(f"| {size:,} | {ow:.2f} s | {oc:.2f} s | {om:.0f} MB | {hw:.2f} s | {hc:.2f} s | {hm:.0f} MB | {fw:.2f} s | {nw:.3f} s "
              f"| {r['reload']:.0f} ms | {ow / fw:.2f} | {ow / hw:.2f} | {om / hm:.2f} | {nw / ow:.3f} |", flush=True)
    print_rebuilds(measured)
    print_scaling(measured)
    editor.print_table(measured)
    # Publishing: what a reader downloads, and what --precompress adds to a build (scripts/bench/hosts.py).
    import hosts
    hosts.report(sizes)
    # Only now: deleting one size's folders would slow the next size's runs.
    for size in sizes:
        remove_outputs(os.path.join(WORK, f"site-{size}", "runs"))
    # The photographs (scripts/bench/images.py); BENCH_PHOTOS="" leaves them out.
    if os.environ.get("BENCH_PHOTOS", "20 50").strip():
        import images
        images.main()


if __name__ == "__main__":
    main()
