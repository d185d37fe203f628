// Filters the prebuilt index (assets/search-index.*.js) as the reader types. No requests are made.
(function () {
  "use strict";
  var index = window.briefingSearchIndex || [];
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!input || !status || !list) return;
  var root = "../";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var haystacks = index.map(function (item) {
    return { title: fold(item.title), all: fold(item.title + " " + item.detail + " " + item.terms + " " + item.kind) };
  });

  function search(query) {
    var terms = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (terms.length === 0) {
      status.textContent = index.length + " people, quotes, events and topics to search.";
      return;
    }
    var hits = [];
    index.forEach(function (item, position) {
      var hay = haystacks[position];
      if (!terms.every(function (term) { return hay.all.indexOf(term) !== -1; })) return;
      // Matches in the title count most; among equals, a person or topic is the likelier destination.
      var score = terms.filter(function (term) { return hay.title.indexOf(term) !== -1; }).length * 2;
      if (score > 0 && (item.kind === "Person" || item.kind === "Topic")) score += 1;
      hits.push({ item: item, score: score, position: position });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.position - b.position; });
    hits.slice(0, 100).forEach(function (hit) {
      var entry = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = hit.item.kind;
      var link = document.createElement("a");
      link.href = root + hit.item.url;
      link.textContent = hit.item.title;
      var detail = document.createElement("p");
      detail.textContent = hit.item.detail;
      entry.append(kind, " ", link, detail);
      list.append(entry);
    });
    var count = hits.length === 1 ? "1 result" : hits.length + " results";
    status.textContent = count + " for “" + query.trim() + "”" + (hits.length > 100 ? "; showing the first 100." : ".");
  }

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  search(initial);
  input.addEventListener("input", function () { search(input.value); });
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value);
  });
})();
