"""Usage: compare.py SITE RUNS BRIEFING... : full builds of SITE/content by each binary, alternating; medians.
OUT=/dev/shm writes the outputs there instead of into SITE: on tmpfs the disk's inode search (BENCHMARKS.md) stays out
of the numbers, which then show the CPU work alone."""
# Alternating before/after full builds of one corpus; wall, CPU (user+sys, children included) and peak RSS from wait4.
import os, shutil, subprocess, sys, time, statistics
site, runs, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
assets = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "templates", "assets")
res = {b: [] for b in bins}
for _ in range(runs):
    for b in bins:
        out = os.path.join(os.environ.get("OUT", site), "public-" + os.path.basename(os.path.dirname(b)))
        shutil.rmtree(out, ignore_errors=True)
        start = time.monotonic()
        p = subprocess.Popen([b, "build", "--content", os.path.join(site, "content"), "--assets", assets, "--output", out],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.monotonic() - start
        # Linux wait4 counts the CPU of the Markdown workers too: the build reaps them.
        res[b].append((wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024))
        assert os.waitstatus_to_exitcode(status) == 0, p.stderr.read()
for b in bins:
    w = statistics.median(r[0] for r in res[b]); c = statistics.median(r[1] for r in res[b]); m = statistics.median(r[2] for r in res[b])
    print(f"{b}: wall {w:.2f} s  cpu {c:.2f} s  peak rss {m:.0f} MB  (runs: {[round(r[0],2) for r in res[b]]})")
