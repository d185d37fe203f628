#!/usr/bin/env python3
"""`make bench-growth`: how briefing's build grows from one size to the next with the disk left out, beside the two
parts of the floor measured the same way.

Everything is written into a memory file system (/dev/shm, or BENCH_MEMORY_DIR), where deleting a tree is instant and
leaves nothing behind for the next run, so what is timed is the processor's and the kernel's work alone:

- briefing's build of the synthetic briefing (the corpora of `make bench`, made in BENCH_DIR when missing);
- cmark-gfm alone rendering the same bodies in one process, its output thrown away;
- `cp -r` of briefing's output tree: the kernel making the same folders and files, with the same bytes.

The three alternate, BENCH_RUNS times (default 5) at each of BENCH_SIZES (default "10000 100000"); medians are printed,
then each one's growth from the size below. `make bench` times the same tools on the disk.
"""
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the corpora, the cmark-gfm command and the timing are shared with `make bench`)


def main():
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000 100000").split()]
    runs = int(os.environ.get("BENCH_RUNS", "5"))
    memory = os.path.abspath(os.environ.get("BENCH_MEMORY_DIR", "/dev/shm"))
    if not os.path.isdir(memory):
        sys.exit(f"{memory} is not a folder: set BENCH_MEMORY_DIR to a folder on a memory file system (tmpfs)")
    scratch = os.path.join(memory, f"briefing-growth-{os.getpid()}")
    assets = os.path.join(bench.ROOT, "templates", "assets")
    os.makedirs(bench.WORK, exist_ok=True)
    sites = {size: bench.corpus(size) for size in sizes}
    tools = ("briefing", "cmark-gfm", "cp -r")
    results = {size: {tool: [] for tool in tools} for size in sizes}
    try:
        for _ in range(runs):
            for size in sizes:
                built, copied = os.path.join(scratch, "built"), os.path.join(scratch, "copied")
                os.makedirs(scratch)
                site = sites[size]
                results[size]["briefing"].append(bench.run(
                    [bench.BRIEFING, "build", "--content", os.path.join(site, "content"), "--assets", assets, "--output", built], site))
                results[size]["cmark-gfm"].append(bench.run(bench.floor_render(site), site))
                results[size]["cp -r"].append(bench.run(["cp", "-r", built, copied], site))
                shutil.rmtree(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    medians = {size: {tool: tuple(statistics.median(r[i] for r in rows) for i in range(3)) for tool, rows in found.items()}
               for size, found in results.items()}
    print(f"Written into {memory}; medians of {runs} alternating runs.\n")
    print("| entries | briefing wall | CPU | peak RSS | cmark-gfm wall | CPU | cp -r wall | CPU |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        (bw, bc, bm), (mw, mc, _), (cw, cc, _) = (medians[size][tool] for tool in tools)
        print(f"| {size:,} | {bw:.3f} s | {bc:.3f} s | {bm:.0f} MB | {mw:.3f} s | {mc:.3f} s | {cw:.3f} s | {cc:.3f} s |")
    bench.print_growth({size: [("briefing wall", m["briefing"][0]), ("CPU", m["briefing"][1]), ("peak RSS", m["briefing"][2]),
                               ("cmark-gfm wall", m["cmark-gfm"][0]), ("CPU", m["cmark-gfm"][1]),
                               ("cp -r wall", m["cp -r"][0]), ("CPU", m["cp -r"][1])]
                        for size, m in medians.items()})


if __name__ == "__main__":
    main()
