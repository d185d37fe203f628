/// The editor's stylesheet and script, served by the preview server and never written into the site.
///
/// The pages work without the script: every button submits the form. The script adds searchable pickers, list editing
/// in place, checks and a preview as the editor types, and keeps the draft in the browser's storage until it is saved
/// or discarded.
enum EditorAssets {
    static let stylesheet = #"""
    :root { color-scheme: light dark; --text: #1b1b1f; --muted: #51525c; --line: #c9cad3; --surface: #ffffff; --page: #f5f5f7;
      --accent: #0b3d91; --accent-text: #ffffff; --error: #a4161a; --error-surface: #fdecec; --ok: #1f6f3a; --ok-surface: #e8f5ec;
      --warn: #8a4b00; --focus: #c45d00; }
    @media (prefers-color-scheme: dark) {
      :root { --text: #ececf1; --muted: #b4b5c0; --line: #4a4b55; --surface: #1d1e24; --page: #121317; --accent: #8fb3ff;
        --accent-text: #0c0d10; --error: #ff9d9d; --error-surface: #3a1518; --ok: #8fe0a9; --ok-surface: #14301f; --warn: #ffc77a; --focus: #ffb15c; }
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; background: var(--page); color: var(--text); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
    a { color: var(--accent); }
    code, textarea.mono, .raw textarea, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
    :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
    .skip-link { position: absolute; left: -9999px; }
    .skip-link:focus { left: 1rem; top: 1rem; z-index: 10; background: var(--surface); padding: 0.5rem 1rem; }
    .editor-header { background: var(--surface); border-bottom: 1px solid var(--line); }
    .editor-header ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; list-style: none; margin: 0 auto; padding: 0.75rem 1rem; max-width: 60rem; }
    main { max-width: 60rem; margin: 0 auto; padding: 1rem 1rem 4rem; }
    h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0; overflow-wrap: anywhere; }
    h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
    .file { color: var(--muted); margin-top: 0; overflow-wrap: anywhere; }
    .search label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
    .search-row { display: flex; gap: 0.5rem; }
    .search-row input { flex: 1; min-width: 0; }
    .kind { background: var(--surface); border: 1px solid var(--line); border-radius: 0.5rem; padding: 0 1rem 0.5rem; margin: 1rem 0; }
    .count { color: var(--muted); font-weight: 400; font-size: 0.95rem; }
    .count::before { content: "("; } .count::after { content: ")"; }
    .entries { list-style: none; padding: 0; margin: 0.5rem 0; }
    .entries li { padding: 0.4rem 0; border-top: 1px solid var(--line); overflow-wrap: anywhere; }
    .path, .note { color: var(--muted); font-size: 0.85rem; }
    .badge { font-size: 0.8rem; border: 1px solid var(--warn); color: var(--warn); border-radius: 0.25rem; padding: 0 0.3rem; }
    .empty { color: var(--muted); }
    input[type=text], input[type=url], input[type=search], select, textarea {
      font: inherit; color: var(--text); background: var(--surface); border: 1px solid var(--muted); border-radius: 0.3rem;
      padding: 0.45rem 0.55rem; width: 100%; max-width: 100%; }
    textarea { resize: vertical; }
    #f-body { min-height: 16rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.95rem; }
    [aria-invalid=true] { border-color: var(--error); box-shadow: 0 0 0 1px var(--error); }
    button, .button { font: inherit; display: inline-block; padding: 0.45rem 0.9rem; border-radius: 0.3rem; border: 1px solid var(--muted);
      background: var(--surface); color: var(--text); cursor: pointer; text-decoration: none; }
    button.primary, .button { background: var(--accent); color: var(--accent-text); border-color: var(--accent); font-weight: 600; }
    button.warning { border-color: var(--error); color: var(--error); font-weight: 600; }
    button.small { padding: 0.15rem 0.5rem; font-size: 0.85rem; }
    .toolbar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 1rem 0; }
    .entry-form, .upload-form { background: var(--surface); border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.5rem 1rem 1rem; }
    .field { margin: 1.1rem 0; border: 0; padding: 0; min-width: 0; }
    .field > label, .field > legend { font-weight: 600; display: block; margin-bottom: 0.2rem; padding: 0; }
    .field.flag > label { display: inline; }
    .required { font-weight: 400; color: var(--muted); font-size: 0.9rem; }
    .help, .precision, .chosen { color: var(--muted); font-size: 0.9rem; margin: 0 0 0.3rem; }
    .precision, .chosen { margin: 0.25rem 0 0; }
    .key { white-space: nowrap; }
    .problems { list-style: none; margin: 0.3rem 0 0; padding: 0; color: var(--error); font-weight: 600; }
    .problems:empty { display: none; }
    .problems li::before { content: "Problem: "; }
    .items { list-style: none; padding: 0; margin: 0.25rem 0 0.5rem; }
    .item { display: flex; flex-wrap: wrap; gap: 0.35rem 0.5rem; align-items: center; margin: 0.35rem 0; }
    .item > input { flex: 1 1 14rem; width: auto; min-width: 0; }
    .item .chosen { flex-basis: 100%; }
    .item-actions { display: flex; gap: 0.3rem; }
    .correction { align-items: flex-end; border-top: 1px solid var(--line); padding-top: 0.5rem; }
    .correction .pair { flex: 1 1 12rem; min-width: 0; }
    .correction label { display: block; font-size: 0.9rem; }
    .link-picker { display: flex; flex-wrap: wrap; gap: 0.35rem 0.5rem; align-items: center; margin: 0.25rem 0 0.5rem; }
    .link-picker label { font-weight: 400; }
    .link-picker input { flex: 1 1 12rem; width: auto; min-width: 0; }
    .preview { width: 100%; min-height: 18rem; border: 1px solid var(--line); border-radius: 0.3rem; background: #fff; }
    .notice { border-radius: 0.4rem; padding: 0.6rem 0.9rem; margin: 0.75rem 0; border: 1px solid var(--line); background: var(--surface); }
    .notice p { margin: 0.2rem 0; }
    .notice.success { border-color: var(--ok); background: var(--ok-surface); }
    .notice.error, .problem-summary, .conflict { border: 1px solid var(--error); background: var(--error-surface); border-radius: 0.4rem; padding: 0.3rem 0.9rem; margin: 0.75rem 0; }
    .problem-summary h2, .conflict h2 { margin-top: 0.5rem; }
    .versions { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 0.75rem; }
    .versions h3 { font-size: 1rem; margin: 0.25rem 0; }
    pre.version { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--surface); border: 1px solid var(--line); border-radius: 0.3rem;
      padding: 0.5rem; max-height: 22rem; overflow: auto; margin: 0; }
    .live-status { min-height: 1.5em; color: var(--muted); margin: 0; }
    .combo { position: relative; flex: 1 1 14rem; min-width: 0; }
    .combo > input { width: 100%; }
    .combo [role=listbox] { position: absolute; left: 0; right: 0; top: 100%; z-index: 5; margin: 0.15rem 0 0; padding: 0.2rem 0;
      list-style: none; background: var(--surface); border: 1px solid var(--muted); border-radius: 0.3rem; max-height: 16rem; overflow: auto;
      box-shadow: 0 4px 14px rgb(0 0 0 / 0.25); }
    .combo [role=option] { padding: 0.35rem 0.6rem; cursor: pointer; overflow-wrap: anywhere; }
    .combo [role=option] small { color: var(--muted); display: block; }
    .combo [role=option][aria-selected=true] { background: var(--accent); color: var(--accent-text); }
    .combo [role=option][aria-selected=true] small { color: inherit; }
    .delete { margin-top: 1.5rem; }
    .entries.images li { display: flex; gap: 0.6rem; align-items: flex-start; }
    .thumb { width: 80px; height: 60px; object-fit: cover; border-radius: 0.25rem; background: var(--line); flex: none; }
    .image-text { min-width: 0; }
    .combo [role=option].with-thumb { display: grid; grid-template-columns: 64px 1fr; column-gap: 0.6rem; align-items: center; }
    .combo [role=option].with-thumb img { grid-row: span 2; width: 64px; height: 48px; object-fit: cover; border-radius: 0.2rem; }
    .picture-panel { margin: 0.75rem 0; }
    .picture-frame { position: relative; display: inline-block; max-width: 100%; line-height: 0; }
    .picture-frame img { max-width: 100%; max-height: 26rem; height: auto; border-radius: 0.3rem; cursor: crosshair; }
    .focus-mark { position: absolute; width: 1.5rem; height: 1.5rem; margin: -0.75rem 0 0 -0.75rem; border: 3px solid #fff;
      border-radius: 50%; box-shadow: 0 0 0 2px #000; pointer-events: none; }
    .picture-panel figcaption { color: var(--muted); font-size: 0.9rem; }
    input[type=file] { font: inherit; max-width: 100%; }
    @media (max-width: 30rem) {
      main { padding: 0.75rem 0.6rem 3rem; }
      .entry-form { padding: 0.25rem 0.6rem 0.75rem; }
      h1 { font-size: 1.35rem; }
    }
    """#

    static let script = #"""
    // The editor's script: pickers, lists edited in place, live checks, the body's preview, and drafts kept in this
    // browser. Without it every button still works, by submitting the form.
    (() => {
      "use strict";
      const form = document.querySelector("form.entry-form");
      const search = document.querySelector("form.search input[type=search]");
      if (search) filterHome(search);
      if (!form) return;

      // `form.action` would be the buttons named "action": the attribute is the address.
      const address = form.getAttribute("action");
      const draftKey = "briefing-draft:" + (form.dataset.file || "new:" + address);
      const status = document.getElementById("live-status");

      // MARK: Pickers: type part of a name or an id, pick with the arrow keys and Enter, or with the mouse.
      let comboCount = 0;
      function enhancePicker(input) {
        const list = document.getElementById(input.getAttribute("list"));
        if (!list || input.dataset.enhanced) return;
        input.dataset.enhanced = "true";
        input.removeAttribute("list");
        const options = Array.from(list.options).map((option) => ({
          value: option.value, title: option.textContent, detail: option.dataset.detail || "", link: option.dataset.link || "",
          thumb: option.dataset.thumb || "" }));
        const wrapper = document.createElement("span");
        wrapper.className = "combo";
        input.replaceWith(wrapper);
        wrapper.append(input);
        const listbox = document.createElement("ul");
        listbox.setAttribute("role", "listbox");
        listbox.id = "combo-" + (++comboCount);
        listbox.hidden = true;
        const labelID = input.getAttribute("aria-labelledby") || (input.labels && input.labels[0] && (input.labels[0].id || (input.labels[0].id = listbox.id + "-label")));
        if (labelID) listbox.setAttribute("aria-labelledby", labelID);
        else if (input.getAttribute("aria-label")) listbox.setAttribute("aria-label", input.getAttribute("aria-label"));
        wrapper.append(listbox);
        // The ARIA 1.1 combobox: the wrapper is the combobox and owns the list; the text field inside controls it.
        wrapper.setAttribute("role", "combobox");
        wrapper.setAttribute("aria-haspopup", "listbox");
        wrapper.setAttribute("aria-owns", listbox.id);
        wrapper.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-controls", listbox.id);
        let shown = [];
        let active = -1;

        function render() {
          const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
          shown = options.filter((option) => {
            const text = (option.title + " " + option.value + " " + option.detail).toLowerCase();
            return words.every((word) => text.includes(word));
          }).slice(0, 50);
          listbox.replaceChildren(...shown.map((option, index) => {
            const item = document.createElement("li");
            item.setAttribute("role", "option");
            item.id = listbox.id + "-" + index;
            item.setAttribute("aria-selected", index === active ? "true" : "false");
            item.textContent = option.title;
            if (option.thumb) {
              // Decorative: the option's text says what the image shows.
              const picture = document.createElement("img");
              picture.src = option.thumb;
              picture.alt = "";
              picture.width = 64;
              picture.height = 48;
              picture.loading = "lazy";
              item.prepend(picture);
              item.classList.add("with-thumb");
            }
            const small = document.createElement("small");
            small.textContent = option.value + (option.detail ? " · " + option.detail : "");
            item.append(small);
            item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(index); });
            return item;
          }));
          const open = shown.length > 0 && document.activeElement === input;
          listbox.hidden = !open;
          wrapper.setAttribute("aria-expanded", open ? "true" : "false");
          if (active >= 0 && shown[active]) input.setAttribute("aria-activedescendant", listbox.id + "-" + active);
          else input.removeAttribute("aria-activedescendant");
        }
        function close() {
          active = -1;
          listbox.hidden = true;
          wrapper.setAttribute("aria-expanded", "false");
          input.removeAttribute("aria-activedescendant");
        }
        function choose(index) {
          const option = shown[index];
          if (!option) return;
          input.value = option.value;
          close();
          showChosen(input, options);
          input.dispatchEvent(new Event("input", { bubbles: true }));
          input.dispatchEvent(new CustomEvent("picked", { detail: option }));
        }
        input.addEventListener("input", () => { active = -1; render(); showChosen(input, options); });
        input.addEventListener("focus", () => render());
        input.addEventListener("blur", () => close());
        input.addEventListener("keydown", (event) => {
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            if (listbox.hidden) render();
            if (!shown.length) return;
            active = event.key === "ArrowDown" ? (active + 1) % shown.length : (active <= 0 ? shown.length - 1 : active - 1);
            render();
            const item = document.getElementById(listbox.id + "-" + active);
            if (item) item.scrollIntoView({ block: "nearest" });
          } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
            event.preventDefault();
            choose(active);
          } else if (event.key === "Escape" && !listbox.hidden) {
            event.preventDefault();
            close();
          }
        });
        input.pickerOptions = options;
      }

      function showChosen(input, options) {
        const chosen = document.getElementById(input.id + "-chosen");
        if (!chosen) return;
        const option = options.find((candidate) => candidate.value === input.value);
        if (option) chosen.textContent = option.detail ? option.title + " · " + option.detail : option.title;
        else if (input.value) chosen.textContent = "Nothing has the id '" + input.value + "': pick from the list.";
        else chosen.textContent = "Type part of a name or an id, then pick from the list.";
      }

      form.querySelectorAll("input[data-picker]").forEach(enhancePicker);

      // MARK: Dates say how precise they are.
      const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
      function precision(text) {
        const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
        if (!match) return "Write 2025, 2025-05 or 2025-05-11.";
        const month = match[2] ? Number(match[2]) : null, day = match[3] ? Number(match[3]) : null;
        if (month !== null && (month < 1 || month > 12)) return "Write 2025, 2025-05 or 2025-05-11.";
        if (day !== null) return "Exact day: " + day + " " + months[month - 1] + " " + match[1];
        if (month !== null) return "Month only (day unknown): " + months[month - 1] + " " + match[1];
        return "Year only (month and day unknown): " + match[1];
      }
      form.addEventListener("input", (event) => {
        const field = event.target.closest("[data-type=date]");
        if (field) {
          const output = document.getElementById(event.target.id + "-precision");
          if (output) output.textContent = precision(event.target.value);
        }
      });

      // MARK: Lists: add, remove and move items in place.
      function renumber(fieldset) {
        const key = fieldset.dataset.key;
        const items = Array.from(fieldset.querySelectorAll(":scope > .items > .item"));
        items.forEach((item, index) => {
          item.querySelectorAll("button[name=action]").forEach((button) => {
            const verb = button.value.split(":")[0];
            button.value = verb + ":" + key + ":" + index;
            const label = button.getAttribute("aria-label");
            if (label) button.setAttribute("aria-label", label.replace(/\d+( up| down)?$/, (match, direction) => (index + 1) + (direction || "")));
            if (verb === "up") button.hidden = index === 0;
            if (verb === "down") button.hidden = index === items.length - 1;
          });
          item.querySelectorAll("input[aria-label]").forEach((input) => {
            input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/\d+$/, String(index + 1)));
          });
          item.querySelectorAll(".pair label").forEach((label) => {
            label.textContent = label.textContent.replace(/^Correction \d+/, "Correction " + (index + 1));
          });
        });
      }
      function newItem(fieldset) {
        const key = fieldset.dataset.key;
        const count = fieldset.querySelectorAll(":scope > .items > .item").length;
        const item = document.createElement("li");
        item.className = "item";
        const id = "f-" + key + "-" + Date.now().toString(36) + count;
        const actions = document.createElement("span");
        actions.className = "item-actions";
        for (const [verb, text] of [["up", "Up"], ["down", "Down"], ["remove", "Remove"]]) {
          const button = document.createElement("button");
          button.type = "submit";
          button.name = "action";
          button.value = verb + ":" + key + ":" + count;
          button.className = "small";
          button.textContent = text;
          const label = fieldset.dataset.type === "corrections" ? "correction" : (fieldset.querySelector("button.add").dataset.itemLabel || "item");
          button.setAttribute("aria-label", (verb === "remove" ? "Remove " : "Move ") + label + " " + (count + 1) + (verb === "up" ? " up" : verb === "down" ? " down" : ""));
          actions.append(button);
        }
        if (fieldset.dataset.type === "corrections") {
          item.classList.add("correction");
          const number = count + 1;
          const pair = (text, control) => {
            const box = document.createElement("div");
            box.className = "pair";
            const label = document.createElement("label");
            label.htmlFor = control.id;
            label.textContent = "Correction " + number + ": " + text;
            box.append(label, control);
            return box;
          };
          const date = document.createElement("input");
          Object.assign(date, { type: "text", id: id + "-date", name: "corrections.date", placeholder: "2025-05-12", autocomplete: "off" });
          const note = document.createElement("textarea");
          Object.assign(note, { id: id + "-note", name: "corrections.note", rows: 2 });
          const datePair = pair("date", date), notePair = pair("what was wrong", note);
          item.append(datePair, notePair, actions);
        } else {
          const label = fieldset.querySelector("button.add").dataset.itemLabel || "Item";
          const input = document.createElement("input");
          Object.assign(input, { type: "text", id, name: key, autocomplete: "off", spellcheck: false });
          input.setAttribute("aria-label", label + " " + (count + 1));
          item.append(input, actions);
          const kind = fieldset.dataset.kind;
          if (kind) {
            input.setAttribute("list", "list-" + kind);
            input.dataset.picker = kind;
            const chosen = document.createElement("span");
            chosen.className = "chosen";
            chosen.id = id + "-chosen";
            input.setAttribute("aria-describedby", chosen.id);
            item.append(chosen);
          }
        }
        return item;
      }
      form.addEventListener("click", (event) => {
        const button = event.target.closest("button[name=action]");
        if (!button) return;
        const [verb] = button.value.split(":");
        const fieldset = button.closest("fieldset.list");
        if (!fieldset || !["add", "remove", "up", "down"].includes(verb)) return;
        event.preventDefault();
        const list = fieldset.querySelector(":scope > .items");
        const item = button.closest(".item");
        let focus = null;
        if (verb === "add") {
          const added = newItem(fieldset);
          list.append(added);
          const input = added.querySelector("input[data-picker]");
          if (input) enhancePicker(input);
          focus = added.querySelector("input, textarea");
        } else if (verb === "remove") {
          const next = item.nextElementSibling || item.previousElementSibling;
          item.remove();
          focus = next ? next.querySelector("input, textarea") : fieldset.querySelector("button.add");
        } else if (verb === "up" && item.previousElementSibling) {
          item.previousElementSibling.before(item);
          focus = button;
        } else if (verb === "down" && item.nextElementSibling) {
          item.nextElementSibling.after(item);
          focus = button;
        }
        renumber(fieldset);
        if (focus && !focus.hidden) focus.focus();
        else if (item && item.isConnected) item.querySelector("input, textarea").focus();
        changed();
      });
      form.querySelectorAll("fieldset.list").forEach(renumber);

      // MARK: Links in the body.
      const linkInput = document.getElementById("f-link");
      const body = document.getElementById("f-body");
      if (linkInput && body) {
        const insert = () => {
          const option = (linkInput.pickerOptions || []).find((candidate) => candidate.value === linkInput.value);
          if (!option) return false;
          const text = "[" + option.title + "](" + option.link + ")";
          const start = body.selectionStart ?? body.value.length, end = body.selectionEnd ?? start;
          const selected = body.value.slice(start, end);
          const link = selected ? "[" + selected + "](" + option.link + ")" : text;
          body.setRangeText(link, start, end, "end");
          body.focus();
          linkInput.value = "";
          changed();
          return true;
        };
        form.querySelector("button[value=insert-link]").addEventListener("click", (event) => {
          if (insert()) event.preventDefault();
        });
      }

      // MARK: Images in the body: a figure in a paragraph of its own, at the cursor.
      const embedInput = document.getElementById("f-embed");
      if (embedInput && body) {
        const insertImage = () => {
          const option = (embedInput.pickerOptions || []).find((candidate) => candidate.value === embedInput.value);
          if (!option) return false;
          const start = body.selectionStart ?? body.value.length, end = body.selectionEnd ?? start;
          const before = body.value.slice(0, start), after = body.value.slice(end);
          const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
          const trail = after === "" ? "\n" : after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
          body.setRangeText(lead + option.link + trail, start, end, "end");
          body.focus();
          embedInput.value = "";
          changed();
          return true;
        };
        form.querySelector("button[value=insert-image]").addEventListener("click", (event) => {
          if (insertImage()) event.preventDefault();
        });
      }

      // MARK: The focus point of an image: a click on the picture writes "x, y" into the field.
      const focusPicture = document.getElementById("focus-picture");
      const focusInput = form.querySelector("input[data-focus-input]");
      if (focusPicture && focusInput) {
        const mark = document.querySelector(".focus-mark");
        const showMark = () => {
          const match = /^\s*([01](?:\.\d+)?|\.\d+)\s*,\s*([01](?:\.\d+)?|\.\d+)\s*$/.exec(focusInput.value);
          const x = match ? Number(match[1]) : 0.5, y = match ? Number(match[2]) : 0.5;
          if (!mark || x > 1 || y > 1) { if (mark) mark.hidden = true; return; }
          mark.style.left = (x * 100) + "%";
          mark.style.top = (y * 100) + "%";
          mark.hidden = false;
        };
        focusPicture.addEventListener("click", (event) => {
          const box = focusPicture.getBoundingClientRect();
          const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
          const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
          focusInput.value = x.toFixed(2) + ", " + y.toFixed(2);
          focusInput.dispatchEvent(new Event("input", { bubbles: true }));
          showMark();
        });
        focusInput.addEventListener("input", showMark);
        showMark();
      }

      // MARK: Checks and preview as the editor types.
      let timer = null, sequence = 0;
      function formBody(action) {
        const data = new URLSearchParams(new FormData(form));
        data.set("action", action);
        return data;
      }
      async function post(action) {
        const response = await fetch(address, { method: "POST", body: formBody(action), credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" } });
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      }
      function showProblems(result) {
        form.querySelectorAll(".problems").forEach((list) => list.replaceChildren());
        form.querySelectorAll("[aria-invalid=true]").forEach((element) => element.removeAttribute("aria-invalid"));
        for (const [key, messages] of Object.entries(result.fields)) {
          const list = document.getElementById("f-" + key + "-problems");
          const target = document.getElementById("f-" + key);
          if (!list) continue;
          list.replaceChildren(...messages.map((message) => { const item = document.createElement("li"); item.textContent = message; return item; }));
          if (target && target.matches("input, textarea, select")) target.setAttribute("aria-invalid", "true");
        }
        const bodyList = document.getElementById("f-body-problems");
        if (bodyList) {
          bodyList.replaceChildren(...result.body.map((problem) => {
            const item = document.createElement("li"); item.textContent = "line " + problem.line + ": " + problem.message; return item; }));
          if (result.body.length) body.setAttribute("aria-invalid", "true");
        }
        const general = result.general.concat(result.elsewhere.map((text) => "In another file: " + text));
        status.textContent = result.count === 0 ? "Checked: no problems." : (result.count === 1 ? "1 problem" : result.count + " problems")
          + (general.length ? ": " + general.join(" · ") : " (shown at the fields).");
      }
      async function check() {
        const mine = ++sequence;
        try {
          const result = await post("live-check");
          if (mine === sequence) showProblems(result);
        } catch (error) {
          if (mine === sequence) status.textContent = "Could not check (" + error.message + "); the Check button still works.";
        }
        const frame = document.querySelector("iframe.preview");
        if (frame && body) {
          try {
            const preview = await post("live-preview");
            if (mine !== sequence) return;
            frame.srcdoc = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><base href="' + pagePath() + '" target="_blank">'
              + '<link rel="stylesheet" href="/assets/style.css"><title>Preview</title></head><body><main class="wrap"><div class="prose">'
              + preview.html + "</div></main></body></html>";
            frame.hidden = false;
          } catch (error) { /* the Preview button still works */ }
        }
      }
      function pagePath() {
        const file = form.dataset.file || "";
        if (file === "index.md" || file === "site.yaml" || !file) return "/index.html";
        const [folder, name] = file.split("/");
        const id = name.replace(/\.md$/, "");
        return folder === "pages" ? "/" + id + "/index.html" : "/" + folder + "/" + id + "/index.html";
      }
      function changed() {
        saveDraft();
        clearTimeout(timer);
        timer = setTimeout(check, 350);
      }
      form.addEventListener("input", changed);
      form.addEventListener("change", changed);

      // MARK: The draft, kept in this browser until it is saved or discarded.
      function snapshot() {
        return Array.from(new FormData(form).entries()).filter(([name]) => !["token", "action", "link"].includes(name));
      }
      function saveDraft() {
        try {
          localStorage.setItem(draftKey, JSON.stringify({ digest: form.dataset.digest, saved: Date.now(), fields: snapshot() }));
        } catch (error) { /* storage full or off: the form still works */ }
      }
      function restore(fields) {
        const byName = new Map();
        for (const [name, value] of fields) { if (!byName.has(name)) byName.set(name, []); byName.get(name).push(value); }
        form.querySelectorAll("fieldset.list").forEach((fieldset) => {
          const name = fieldset.dataset.type === "corrections" ? "corrections.date" : fieldset.dataset.key;
          const wanted = (byName.get(name) || []).length;
          const list = fieldset.querySelector(":scope > .items");
          while (list.children.length < wanted) {
            const added = newItem(fieldset);
            list.append(added);
            const input = added.querySelector("input[data-picker]");
            if (input) enhancePicker(input);
          }
          while (list.children.length > wanted) list.lastElementChild.remove();
          renumber(fieldset);
        });
        const seen = new Map();
        for (const element of form.elements) {
          if (!element.name || ["token", "action", "link", "digest"].includes(element.name) || element.type === "submit") continue;
          const values = byName.get(element.name) || [];
          const index = seen.get(element.name) || 0;
          seen.set(element.name, index + 1);
          if (element.type === "checkbox") element.checked = values.includes(element.value);
          else if (index < values.length) element.value = values[index];
        }
        form.querySelectorAll("input[data-picker]").forEach((input) => showChosen(input, input.pickerOptions || []));
        form.querySelectorAll("[data-type=date] input").forEach((input) => {
          const output = document.getElementById(input.id + "-precision");
          if (output) output.textContent = precision(input.value);
        });
      }
      function discard() {
        localStorage.removeItem(draftKey);
      }
      function offerDraft() {
        const saved = document.querySelector("[data-saved=true]");
        if (saved) {
          discard();
          // A new entry's draft was kept under its form's address until it was created.
          if (saved.dataset.newForm) localStorage.removeItem("briefing-draft:new:" + saved.dataset.newForm);
          return;
        }
        let stored = null;
        try { stored = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (error) { stored = null; }
        if (!stored || !Array.isArray(stored.fields)) return;
        if (JSON.stringify(stored.fields) === JSON.stringify(snapshot())) return;
        const note = document.createElement("div");
        note.className = "notice";
        note.setAttribute("role", "status");
        const text = document.createElement("p");
        const when = new Date(stored.saved).toLocaleString();
        const sameVersion = stored.digest === form.dataset.digest;
        text.textContent = sameVersion
          ? "Your unsaved changes from " + when + " were restored from this browser."
          : "This browser keeps unsaved changes from " + when + ", made to an earlier version of this file.";
        const actions = document.createElement("p");
        const keep = document.createElement("button");
        keep.type = "button";
        keep.textContent = "Restore them";
        keep.addEventListener("click", () => { restore(stored.fields); note.remove(); changed(); });
        const drop = document.createElement("button");
        drop.type = "button";
        drop.textContent = "Discard them";
        drop.addEventListener("click", () => {
          discard();
          if (sameVersion) location.reload(); else note.remove();
        });
        if (sameVersion) { restore(stored.fields); actions.append(drop); } else { actions.append(keep, " ", drop); }
        note.append(text, actions);
        form.before(note);
      }
      const conflict = document.querySelector(".conflict");
      if (conflict) {
        saveDraft();
        const link = conflict.querySelector("[data-discard]");
        if (link) link.addEventListener("click", discard);
      } else {
        offerDraft();
      }
      form.addEventListener("submit", (event) => {
        const action = event.submitter ? event.submitter.value : "save";
        if (action === "save" || action === "save-anyway") saveDraft();
      });
      if (document.getElementById("problems")) document.getElementById("problems").focus();
      // The first check and preview at once, so the preview shows before any typing.
      check();
    })();

    function filterHome(search) {
      const items = document.querySelectorAll(".entries li[data-search]");
      const apply = () => {
        const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
        for (const item of items) item.hidden = !words.every((word) => item.dataset.search.includes(word));
        for (const section of document.querySelectorAll("section.kind")) {
          const visible = section.querySelectorAll(".entries li[data-search]:not([hidden])").length;
          const count = section.querySelector(".count");
          if (count) count.textContent = String(visible);
        }
      };
      search.addEventListener("input", apply);
    }
    """#
}
