#!/usr/bin/env python3
"""The photographs part of `make bench` (run.py calls it; it also runs alone).

A generated briefing with BENCH_PHOTOS photographs (default "20 50": two sizes, to show whether memory grows with the
count) of BENCH_PHOTO_SIZE pixels (default 3000x2000), photo-like (soft clouds of colour with fine grain, made with
libvips's `vips` tool, not pure noise) and carrying EXIF GPS and camera fields, IPTC and XMP (written with exiftool),
is built by briefing and by Hugo with an equivalent template: every photograph made at the same five widths
(320 … 1920) as WebP and JPEG at the same quality, plus the same crops (two square, two 3:2, one 1200 × 630 JPEG).

For each tool, alternating, in one run: the first build (empty caches), a rebuild after editing one quote, and a
rebuild after replacing one photograph; wall time, CPU time and peak RSS (of the process and its workers) each.
briefing's text-edit rebuild is set beside the rebuild after the same edit of the same briefing with no images at
all (the goal: within 10 %), and `exiftool -a -G1` counts the output files of each tool that still carry EXIF, XMP, IPTC or GPS fields.
"""
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as harness  # noqa: E402  (the timing, settling and deletion-window helpers)

ROOT = harness.ROOT
WIDTHS = [320, 640, 960, 1280, 1920]
CROPS = [(160, 160), (320, 320), (320, 213), (640, 427)]
SOCIAL = (1200, 630)
QUALITY = 80


def vips(*arguments, cwd):
    subprocess.run(["vips", *map(str, arguments)], cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def make_photo(path, width, height, seed, work):
    """A photograph-like JPEG: three Perlin-noise bands at two scales (sky- and landscape-like clouds of colour), a
    vertical light falloff, and fine grain, saved at quality 90, then given camera, GPS, IPTC and XMP fields."""
    cell = max(16, min(width, height) // 3)
    bands = []
    for band, (gain, offset) in enumerate([(120, 120), (110, 110), (100, 100)]):
        vips("perlin", f"coarse{band}.v", width, height, "--cell-size", cell, "--seed", seed * 11 + band, cwd=work)
        vips("perlin", f"fine{band}.v", width, height, "--cell-size", max(4, cell // 12), "--seed", seed * 13 + band, cwd=work)
        vips("add", f"coarse{band}.v", f"fine{band}.v", f"sum{band}.v", cwd=work)
        vips("linear", f"sum{band}.v", f"band{band}.v", gain * 0.6, offset, "--uchar", cwd=work)
        bands.append(f"band{band}.v")
    vips("bandjoin", " ".join(bands), "colour.v", cwd=work)
    vips("gaussnoise", "grain.v", width, height, "--sigma", 6, "--mean", 0, cwd=work)
    vips("add", "colour.v", "grain.v", "grainy.v", cwd=work)
    vips("cast", "grainy.v", "photo.v", "uchar", cwd=work)
    vips("copy", "photo.v", os.path.abspath(path) + "[Q=90]", cwd=work)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-Make=BenchCam", "-Model=BenchCam Mark II", "-SerialNumber=BC123456",
                    "-LensModel=50mm f/1.8", "-DateTimeOriginal=2025:05:11 18:30:00",
                    "-GPSLatitude=41.0082", "-GPSLatitudeRef=N", "-GPSLongitude=28.9784", "-GPSLongitudeRef=E",
                    "-IPTC:By-line=Bench Photographer", "-IPTC:City=Istanbul", "-XMP-dc:Creator=Bench Photographer",
                    path], check=True)


def corpus(count, size, work_root):
    """The briefing and the Hugo site for `count` photographs, made again only when this script, the count or the
    size changed: generating photographs takes a while."""
    width, height = map(int, size.split("x"))
    folder = os.path.join(work_root, f"photos-{count}-{size}")
    stamp_path = os.path.join(folder, ".generated")
    stamp = f"{count} {size} {hashlib.sha256(open(__file__, 'rb').read()).hexdigest()}\n"
    if os.path.exists(stamp_path) and open(stamp_path).read() == stamp:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    work = os.path.join(folder, "work")
    originals = os.path.join(folder, "originals")
    os.makedirs(work)
    os.makedirs(originals)
    # One more than the briefing uses: the replacement photograph.
    for index in range(count + 1):
        make_photo(os.path.join(originals, f"photo-{index}.jpg"), width, height, index + 1, work)
    shutil.rmtree(work)
    write_briefing(folder, count, originals, with_images=True)
    write_briefing(folder, count, originals, with_images=False)
    write_hugo(folder, count, originals)
    with open(stamp_path, "w") as out:
        out.write(stamp)
    return folder


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text)


def write_briefing(folder, count, originals, with_images):
    """One event per photograph and a quote on each; a person for every five events, with the event's photograph
    as portrait. `with_images` False: the same text without any image, for the text-only comparison."""
    content = os.path.join(folder, "content" if with_images else "content-text-only")
    image = (lambda index: f"image: photo-{index}\n") if with_images else (lambda index: "")
    write(os.path.join(content, "site.yaml"),
          "title: Photographs bench\nbase_url: https://bench.example/\nas_of: \"2025-05-31\"\n" + ("image: photo-0\n" if with_images else ""))
    write(os.path.join(content, "index.md"), "---\ntitle: Photographs bench\nsummary: A briefing with photographs.\n---\nThe story.\n")
    write(os.path.join(content, "sources", "wire.md"), "---\ntitle: Wire report\npublisher: Bench Wire\n---\n")
    people = max(1, count // 5)
    for person in range(people):
        write(os.path.join(content, "people", f"person-{person}.md"),
              f"---\nname: Person {person}\nrole: Delegate\n{image(person * 5)}---\nA delegate.\n")
    for index in range(count):
        day = 1 + index % 28
        write(os.path.join(content, "timeline", f"event-{index}.md"),
              f"---\ntitle: Event {index}\ndate: \"2025-05-{day:02d}\"\npeople: [person-{index % people}]\nsources: [wire]\n{image(index)}---\n"
              f"What happened at event {index}.\n")
        write(os.path.join(content, "quotes", f"quote-{index}.md"),
              f"---\nspeaker: person-{index % people}\ntext: \"Words number {index}\"\ndate: \"2025-05-{day:02d}\"\nsource: wire\n"
              f"event: event-{index}\n---\nContext.\n")
        if with_images:
            os.makedirs(os.path.join(content, "media"), exist_ok=True)
            shutil.copyfile(os.path.join(originals, f"photo-{index}.jpg"), os.path.join(content, "media", f"photo-{index}.jpg"))
            write(os.path.join(content, "media", f"photo-{index}.yaml"),
                  f"alt: \"Bench photograph {index}\"\ncredit: \"Bench Photographer/Bench Wire\"\nlicense: \"CC BY 4.0\"\n"
                  f"caption: \"Event {index}.\"\n")


def write_hugo(folder, count, originals):
    """The same events and quotes for Hugo, each event page making what briefing makes of its photograph."""
    hugo = os.path.join(folder, "hugo")
    write(os.path.join(hugo, "config.toml"),
          "baseURL = 'https://bench.example/'\ntitle = 'Photographs bench'\ndisableKinds = ['taxonomy', 'term', 'RSS']\n"
          f"[imaging]\nquality = {QUALITY}\nresampleFilter = 'Lanczos'\n")
    for index in range(count):
        os.makedirs(os.path.join(hugo, "assets", "media"), exist_ok=True)
        shutil.copyfile(os.path.join(originals, f"photo-{index}.jpg"), os.path.join(hugo, "assets", "media", f"photo-{index}.jpg"))
        write(os.path.join(hugo, "content", "timeline", f"event-{index}.md"),
              f"---\ntitle: Event {index}\ndate: 2025-05-{1 + index % 28:02d}\nimage: photo-{index}.jpg\n---\nWhat happened at event {index}.\n")
        write(os.path.join(hugo, "content", "quotes", f"quote-{index}.md"),
              f"---\ntitle: Quote {index}\ndate: 2025-05-{1 + index % 28:02d}\n---\nWords number {index}\n")
    widths = " ".join(map(str, WIDTHS))
    crops = " ".join(f'"{w}x{h}"' for w, h in CROPS)
    single = (
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>\n"
        "{{ with .Params.image }}{{ with resources.Get (printf \"media/%s\" .) }}{{ $img := . }}<picture>\n"
        f"{{{{ range slice {widths} }}}}{{{{ $w := $img.Resize (printf \"%dx webp q{QUALITY}\" .) }}}}{{{{ $j := $img.Resize (printf \"%dx jpg q{QUALITY}\" .) }}}}"
        "<source srcset=\"{{ $w.RelPermalink }} {{ $w.Width }}w\"><img src=\"{{ $j.RelPermalink }}\" width=\"{{ $j.Width }}\" height=\"{{ $j.Height }}\">{{ end }}\n"
        f"{{{{ range slice {crops} }}}}{{{{ $w := $img.Fill (printf \"%s webp q{QUALITY}\" .) }}}}{{{{ $j := $img.Fill (printf \"%s jpg q{QUALITY}\" .) }}}}"
        "<img src=\"{{ $w.RelPermalink }}\"><img src=\"{{ $j.RelPermalink }}\">{{ end }}\n"
        f"{{{{ $s := $img.Fill \"{SOCIAL[0]}x{SOCIAL[1]} jpg q{QUALITY}\" }}}}<meta property=\"og:image\" content=\"{{{{ $s.Permalink }}}}\">\n"
        "</picture>{{ end }}{{ end }}{{ .Content }}</body></html>\n"
    )
    write(os.path.join(hugo, "layouts", "_default", "single.html"), single)
    write(os.path.join(hugo, "layouts", "_default", "list.html"),
          "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n")
    write(os.path.join(hugo, "layouts", "index.html"),
          "<!DOCTYPE html><html><head><title>{{ .Site.Title }}</title></head><body>{{ range .Site.RegularPages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>\n")


def metadata_files(folder):
    """How many image files under `folder` carry an EXIF, XMP, IPTC, GPS or maker-notes field, by exiftool."""
    result = subprocess.run(["exiftool", "-a", "-G1", "-json", "-r", "-ext", "jpg", "-ext", "webp", "-ext", "avif", folder],
                            capture_output=True, text=True)
    files = json.loads(result.stdout or "[]")
    groups = ("EXIF", "IFD0", "IFD1", "ExifIFD", "GPS", "XMP", "IPTC", "MakerNotes", "Photoshop")
    carrying = [f["SourceFile"] for f in files if any(key.split(":")[0].startswith(groups) for key in f)]
    return len(files), len(carrying)


def measure(count, size, work_root, runs):
    folder = corpus(count, size, work_root)
    outputs = os.path.join(folder, "runs")
    harness.remove_outputs(outputs)
    harness.wait_out_deletions()
    assets = os.path.join(ROOT, "templates", "assets")
    settle = int(os.environ.get("BENCH_SETTLE", "60"))

    def timed(command, env=None):
        harness.settle(settle)
        return run(command, folder, env)

    quote = os.path.join(folder, "content", "quotes", "quote-0.md")
    text_only_quote = os.path.join(folder, "content-text-only", "quotes", "quote-0.md")
    hugo_quote = os.path.join(folder, "hugo", "content", "quotes", "quote-0.md")
    photo = os.path.join(folder, "content", "media", "photo-0.jpg")
    hugo_photo = os.path.join(folder, "hugo", "assets", "media", "photo-0.jpg")
    replacement = os.path.join(folder, "originals", f"photo-{count}.jpg")
    original_photo = os.path.join(folder, "originals", "photo-0.jpg")
    results = {name: [] for name in ("ours-first", "ours-text", "ours-photo", "hugo-first", "hugo-text", "hugo-photo", "ours-text-only")}
    for index in range(runs):
        ours_out, ours_cache = os.path.join(outputs, f"briefing-{index}"), os.path.join(outputs, f"briefing-cache-{index}")
        hugo_out, hugo_resources = os.path.join(outputs, f"hugo-{index}"), os.path.join(outputs, f"hugo-resources-{index}")
        ours = [harness.BRIEFING, "build", "--content", os.path.join(folder, "content"), "--assets", assets, "--output", ours_out,
                "--image-cache", ours_cache]
        hugo = ["hugo", "--quiet", "--source", os.path.join(folder, "hugo"), "--destination", hugo_out,
                "--cacheDir", os.path.join(outputs, f"hugo-cache-{index}")]
        hugo_env = dict(os.environ, HUGO_RESOURCEDIR=hugo_resources)
        results["ours-first"].append(timed(ours))
        results["hugo-first"].append(timed(hugo, hugo_env))
        text_only = [harness.BRIEFING, "build", "--content", os.path.join(folder, "content-text-only"), "--assets", assets,
                     "--output", os.path.join(outputs, f"text-only-{index}"), "--image-cache", os.path.join(outputs, f"text-only-cache-{index}")]
        timed(text_only)
        for path in (quote, text_only_quote, hugo_quote):
            with open(path, "a") as out:
                out.write(f"\nEdited for the benchmark ({index}).\n")
        # The same edit in the same briefing without images: what the text-edit rebuild is held to.
        results["ours-text-only"].append(timed(text_only))
        results["ours-text"].append(timed(ours))
        results["hugo-text"].append(timed(hugo, hugo_env))
        for path in (photo, hugo_photo):
            shutil.copyfile(replacement, path)
        results["ours-photo"].append(timed(ours))
        results["hugo-photo"].append(timed(hugo, hugo_env))
        # Back as generated, for the next run.
        for path in (photo, hugo_photo):
            shutil.copyfile(original_photo, path)
        for path in (quote, text_only_quote, hugo_quote):
            text = open(path).read()
            with open(path, "w") as out:
                out.write(text.split("\nEdited for the benchmark")[0])
    medians = {name: tuple(statistics.median(r[i] for r in rows) for i in range(3)) for name, rows in results.items()}
    medians["exif-ours"] = metadata_files(ours_out)
    medians["exif-hugo"] = metadata_files(hugo_out)
    medians["exif-sources"] = metadata_files(os.path.join(folder, "content", "media"))
    return medians, outputs


def run(command, cwd, env):
    """(wall, CPU, peak RSS in MB) of `command`, its worker processes included (wait4 counts the largest)."""
    if env is None:
        return harness.run(command, cwd)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        return harness.run(command, cwd)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main():
    counts = [int(n) for n in os.environ.get("BENCH_PHOTOS", "20 50").split()]
    size = os.environ.get("BENCH_PHOTO_SIZE", "3000x2000")
    runs = int(os.environ.get("BENCH_IMAGE_RUNS", "1"))
    work_root = harness.WORK
    os.makedirs(work_root, exist_ok=True)
    vips_version = subprocess.run(["vips", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"\nPhotographs: {size} JPEGs with EXIF GPS, camera, IPTC and XMP fields; {vips_version}. Each made at {len(WIDTHS)} widths "
          f"as WebP and JPEG (quality {QUALITY}) and {len(CROPS)} crops as both plus a 1200 × 630 JPEG, by both tools. "
          f"Medians of {runs} alternating run(s); peak RSS includes worker processes.\n")
    print("| photos | build | briefing wall | CPU | peak RSS | Hugo wall | CPU | peak RSS | ours/Hugo wall | ours/Hugo RSS |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    measured = {}
    for count in counts:
        r, outputs = measure(count, size, work_root, runs)
        measured[count] = (r, outputs)
        for label, key in (("first", "first"), ("after a quote edit", "text"), ("after replacing a photo", "photo")):
            (ow, oc, om), (hw, hc, hm) = r[f"ours-{key}"], r[f"hugo-{key}"]
            print(f"| {count} | {label} | {ow:.2f} s | {oc:.2f} s | {om:.0f} MB | {hw:.2f} s | {hc:.2f} s | {hm:.0f} MB "
                  f"| {ow / hw:.3f} | {om / hm:.2f} |", flush=True)
    print("\n| photos | text-edit rebuild | same edit, same briefing without images | ratio | image files with EXIF/XMP/IPTC: sources | briefing | Hugo |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for count, (r, _) in measured.items():
        (tw, _, _), (nw, _, _) = r["ours-text"], r["ours-text-only"]
        print(f"| {count} | {tw:.3f} s | {nw:.3f} s | {tw / nw:.2f} | {r['exif-sources'][1]} of {r['exif-sources'][0]} "
              f"| {r['exif-ours'][1]} of {r['exif-ours'][0]} | {r['exif-hugo'][1]} of {r['exif-hugo'][0]} |", flush=True)
    for _, (_, outputs) in measured.items():
        harness.remove_outputs(outputs)


if __name__ == "__main__":
    main()
