/// The script the preview server adds to every HTML page it serves (and never to the files on disk):
/// it listens on the event stream, reloads the page, swaps stylesheets, and shows build errors.
enum ReloadScript {
    static let scriptPath = "/__briefing/reload.js"
    static let eventsPath = "/__briefing/events"

    /// The tag inserted before `</body>`. `data-build` is the output version the page was served from, so the
    /// script can tell it missed a rebuild or a restart while it was loading.
    static func tag(version: String) -> String {
        #"<script src="\#(scriptPath)" data-build="\#(version)" defer></script>"#
    }

    /// The "Edit this page" link, fixed in a corner of the page, styled inline so the site's stylesheet need not know it.
    static func editLinkTag(_ href: String) -> String {
        let escaped = href.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
        return #"<nav aria-label="Preview editor" style="position:fixed;right:0.75rem;bottom:0.75rem;z-index:2147483646;margin:0;"#
            + #"font:600 15px/1.4 system-ui,sans-serif"><a href="\#(escaped)" style="display:inline-block;padding:0.45rem 0.9rem;"#
            + #"border-radius:0.4rem;background:#0b3d91;color:#fff;text-decoration:underline;box-shadow:0 1px 6px rgb(0 0 0 / 0.45)">"#
            + #"Edit this page</a></nav>"#
    }

    /// `html` with the script tag (and the edit link, if any) before its last `</body>`, or at its end if it has none.
    static func inject(into html: [UInt8], version: String, editLink: String? = nil) -> [UInt8] {
        let tag = Array(((editLink.map(editLinkTag) ?? "") + tag(version: version)).utf8)
        let closing = Array("</body".utf8)
        var index = html.count - closing.count
        while index >= 0 {
            if zip(html[index..<index + closing.count], closing).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) {
                return Array(html[..<index]) + tag + Array(html[index...])
            }
            index -= 1
        }
        return html + tag
    }

    static let source = #"""
    // Live reload for `briefing serve`. The server adds this script to the pages it serves; built files never contain it.
    (() => {
      "use strict";
      const script = document.currentScript;
      let version = script && script.dataset.build ? script.dataset.build : null;
      let panel = null;

      function showProblems(problems) {
        if (!panel) {
          const host = document.createElement("briefing-build-errors");
          host.style.cssText = "all: initial; position: fixed; left: 0; right: 0; bottom: 0; z-index: 2147483647;";
          const root = host.attachShadow({ mode: "open" });
          const style = document.createElement("style");
          style.textContent = `
            section { box-sizing: border-box; max-height: 60vh; overflow: auto; margin: 0; padding: 0.75rem 1rem 1rem;
              background: #5c0d12; color: #fff; font: 14px/1.45 system-ui, sans-serif; box-shadow: 0 -2px 12px rgb(0 0 0 / 0.4); }
            header { display: flex; gap: 1rem; align-items: baseline; justify-content: space-between; }
            strong { font-size: 15px; }
            button { font: inherit; color: inherit; background: transparent; border: 1px solid #fff8; border-radius: 4px; padding: 0.1rem 0.6rem; cursor: pointer; }
            button:focus-visible { outline: 2px solid #fff; outline-offset: 2px; }
            ol { margin: 0.5rem 0 0; padding-left: 1.25rem; }
            li { margin: 0.35rem 0; }
            code { display: block; font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; color: #ffd2d2; }
            span { white-space: pre-wrap; overflow-wrap: anywhere; }`;
          const section = document.createElement("section");
          section.setAttribute("role", "alert");
          const header = document.createElement("header");
          const title = document.createElement("strong");
          const hide = document.createElement("button");
          hide.type = "button";
          hide.textContent = "Hide";
          hide.addEventListener("click", () => { host.hidden = true; });
          header.append(title, hide);
          const note = document.createElement("div");
          note.textContent = "The last good version of the site is still served. Fix the problem and save: this panel goes away by itself.";
          const list = document.createElement("ol");
          section.append(header, note, list);
          root.append(style, section);
          panel = { host, title, list };
          document.documentElement.append(host);
        }
        panel.host.hidden = false;
        panel.title.textContent = problems.length === 1 ? "Build failed: 1 error" : `Build failed: ${problems.length} errors`;
        panel.list.replaceChildren(...problems.map((problem) => {
          const item = document.createElement("li");
          if (problem.path) {
            const where = document.createElement("code");
            where.textContent = `${problem.path}:${problem.line}:${problem.column}`;
            item.append(where);
          }
          const message = document.createElement("span");
          message.textContent = problem.message;
          item.append(message);
          return item;
        }));
      }

      function hideProblems() {
        if (panel) {
          panel.host.remove();
          panel = null;
        }
      }

      // The new sheet is added next to the old one, which goes once the new one has loaded: no flash of unstyled page.
      function refreshStylesheets() {
        const stamp = String(Date.now());
        for (const link of document.querySelectorAll('link[rel~="stylesheet"][href]')) {
          const url = new URL(link.href, location.href);
          if (url.origin !== location.origin) continue;
          url.searchParams.set("briefing-reload", stamp);
          const fresh = link.cloneNode();
          fresh.href = url.href;
          fresh.addEventListener("load", () => link.remove(), { once: true });
          fresh.addEventListener("error", () => fresh.remove(), { once: true });
          link.after(fresh);
        }
      }

      function connect() {
        const source = new EventSource("/__briefing/events");
        source.addEventListener("status", (event) => {
          const status = JSON.parse(event.data);
          if (version === null) version = status.version;
          if (status.version !== version) {
            location.reload();
          } else if (status.ok) {
            hideProblems();
          } else {
            showProblems(status.errors);
          }
        });
        source.addEventListener("reload", (event) => {
          const change = JSON.parse(event.data);
          const cssOnly = change.changed.length > 0 && change.changed.every((path) => path.endsWith(".css"));
          if (cssOnly) {
            version = change.version;
            hideProblems();
            refreshStylesheets();
          } else {
            location.reload();
          }
        });
        source.addEventListener("build-error", (event) => showProblems(JSON.parse(event.data).errors));
        // EventSource retries by itself after a dropped connection, but gives up on some failures: start over then.
        source.addEventListener("error", () => {
          if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
        });
      }

      connect();
    })();

    """#
}
