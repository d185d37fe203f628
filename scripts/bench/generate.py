#!/usr/bin/env python3
"""Writes a synthetic briefing of N entries in briefing's content format, and the same Markdown
bodies as a Hugo site with equivalent templates, for `make bench`.

Mix per 10,000 entries: 100 people, 100 sources, 1,800 timeline events, 8,000 quotes; bodies of
1-3 KB with lists, a table, emphasis, strikethrough and links to other entries. Deterministic.
"""
import os
import random
import shutil
import sys

WORDS = ("ceasefire talks envoy statement sanctions guarantees territory delegation summit proposal "
         "minister parliament border negotiation truce agreement frontline capital spokesman briefing "
         "analysts diplomats offer demand response pressure support reported").split()


def sentence(rng, n=None):
    words = [rng.choice(WORDS) for _ in range(n or rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def body(rng, links, size):
    """Markdown of roughly `size` bytes: paragraphs with links, a list, a table."""
    parts = []
    while sum(len(p) for p in parts) < size:
        kind = rng.random()
        if kind < 0.55:
            text = " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
            label, target = rng.choice(links)
            text += f" See [{label}]({target}) and *{rng.choice(WORDS)}* ~~{rng.choice(WORDS)}~~."
            parts.append(text)
        elif kind < 0.8:
            parts.append("\n".join(f"- {sentence(rng, 6)}" for _ in range(rng.randint(3, 5))))
        else:
            rows = "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 99)} | {rng.choice(WORDS)} |" for _ in range(3))
            parts.append("| Side | Count | Position |\n|---|---|---|\n" + rows)
    return "\n\n".join(parts) + "\n"


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(count)
    scale = count / 10_000
    n_people, n_sources = max(2, round(100 * scale)), max(2, round(100 * scale))
    n_events = max(2, round(1800 * scale))
    n_quotes = count - n_people - n_sources - n_events
    people = [f"person-{i}" for i in range(n_people)]
    sources = [f"source-{i}" for i in range(n_sources)]
    events = [f"event-{i}" for i in range(n_events)]
    quotes = [f"quote-{i}" for i in range(n_quotes)]
    topics = ["ceasefire-first", "talks-first", "sanctions", "territory", "security-guarantees"]

    shutil.rmtree(out, ignore_errors=True)
    ours, hugo = os.path.join(out, "content"), os.path.join(out, "hugo")
    for folder in ("people", "quotes", "timeline", "sources", "topics"):
        os.makedirs(os.path.join(ours, folder))
        os.makedirs(os.path.join(hugo, "content", folder))

    def date(i):
        return f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"

    def write(kind, folder, ident, fields, markdown, title):
        # Links in bodies point to content files; Hugo gets the same links as relref-free paths to pages.
        ours_text = "---\n" + "".join(f"{k}: {v}\n" for k, v in fields) + "---\n" + markdown
        with open(os.path.join(ours, folder, ident + ".md"), "w") as f:
            f.write(ours_text)
        hugo_markdown = markdown
        for f_ in ("people", "quotes", "timeline", "sources"):
            hugo_markdown = hugo_markdown.replace(".md)", "/)")
        hugo_fields = [("title", f'"{title}"')] + [(k, v) for k, v in fields if k in ("date", "topics")]
        with open(os.path.join(hugo, "content", folder, ident + ".md"), "w") as f:
            f.write("---\n" + "".join(f"{k}: {v}\n" for k, v in hugo_fields) + "---\n" + hugo_markdown)

    def links():
        pool = [(p, f"/people/{p}.md") for p in rng.sample(people, min(3, len(people)))]
        pool += [(e, f"/timeline/{e}.md") for e in rng.sample(events, min(2, len(events)))]
        return pool

    for i, p in enumerate(people):
        write("person", "people", p, [("name", f'"Person {i}"'), ("role", '"Official"'), ("country", '"Country"')],
              body(rng, links(), rng.randint(1000, 3000)), f"Person {i}")
    for i, s in enumerate(sources):
        write("source", "sources", s, [("title", f'"Report {i}"'), ("publisher", '"Agency"'), ("date", f'"{date(i)}"')],
              body(rng, links(), rng.randint(1000, 2000)), f"Report {i}")
    for i, e in enumerate(events):
        ppl = ", ".join(rng.sample(people, min(2, len(people))))
        write("event", "timeline", e, [("title", f'"Event {i}"'), ("date", f'"{date(i)}"'), ("people", f"[{ppl}]"),
                                        ("sources", f"[{rng.choice(sources)}]"), ("topics", f"[{rng.choice(topics)}]")],
              body(rng, links(), rng.randint(1000, 3000)), f"Event {i}")
    for i, q in enumerate(quotes):
        write("quote", "quotes", q, [("speaker", rng.choice(people)), ("text", f'"{sentence(rng)}"'), ("date", f'"{date(i)}"'),
                                      ("source", rng.choice(sources)), ("event", rng.choice(events)),
                                      ("topics", f"[{rng.choice(topics)}]")],
              body(rng, links(), rng.randint(1000, 3000)), f"Quote {i}")
    for t in topics:
        with open(os.path.join(ours, "topics", t + ".md"), "w") as f:
            f.write(f"---\ntitle: \"{t}\"\n---\nAbout {t}.\n")

    with open(os.path.join(ours, "site.yaml"), "w") as f:
        f.write('title: "Benchmark briefing"\nbase_url: "https://bench.example/"\nas_of: "2025-12-31"\n')
    with open(os.path.join(ours, "index.md"), "w") as f:
        f.write("---\ntitle: Overview\n---\n" + body(rng, links(), 2000))

    # Hugo: equivalent templates (layout, one page per entry, list pages, topic taxonomy).
    layouts = os.path.join(hugo, "layouts", "_default")
    os.makedirs(layouts)
    with open(os.path.join(hugo, "hugo.toml"), "w") as f:
        f.write('baseURL = "https://bench.example/"\ntitle = "Benchmark briefing"\nrelativeURLs = true\n'
                'disableKinds = ["RSS"]\n[taxonomies]\ntopic = "topics"\n[markup.goldmark.renderer]\nunsafe = false\n')
    with open(os.path.join(layouts, "baseof.html"), "w") as f:
        f.write('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>'
                '<link rel="stylesheet" href="/style.css"></head><body><header><a href="/">{{ site.Title }}</a><nav>'
                '<a href="/people/">People</a> <a href="/quotes/">Quotes</a> <a href="/timeline/">Timeline</a></nav></header>'
                '<main>{{ block "main" . }}{{ end }}</main><footer>{{ site.Title }}</footer></body></html>\n')
    with open(os.path.join(layouts, "single.html"), "w") as f:
        f.write('{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ with .Date }}<time>{{ .Format "2 January 2006" }}</time>{{ end }}'
                '{{ .Content }}{{ with .GetTerms "topics" }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}'
                '</article>{{ end }}\n')
    with open(os.path.join(layouts, "list.html"), "w") as f:
        f.write('{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>'
                '{{ with .Date }} <time>{{ .Format "2 January 2006" }}</time>{{ end }}</li>{{ end }}</ul>{{ end }}\n')
    with open(os.path.join(hugo, "content", "_index.md"), "w") as f:
        f.write("---\ntitle: Overview\n---\n")
    print(f"{count} entries: {n_people} people, {n_sources} sources, {n_events} events, {n_quotes} quotes -> {out}")


if __name__ == "__main__":
    main()
