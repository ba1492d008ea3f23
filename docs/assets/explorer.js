/* The claim explorer's page (/claims/): its controls, the filter state in the address, the results.
 * The data side (loading, filtering, counting, downloads) is explorer-data.js, loaded before this.
 *
 * The address holds the state: ?topic=a&topic=b&place=...&event_from=2023&q=words&sort=published
 * (repeated keys for several values). Each change of a filter adds a history entry (the back
 * button steps back through filters); typing in the words field adds one per pause.
 */
(function () {
  "use strict";
  var FACETS = ["topic", "place", "org", "outlet", "evidence", "status", "lang"];
  var RANGES = ["event_from", "event_to", "pub_from", "pub_to"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var TYPING_PAUSE_MS = 200;
  var data = window.kbExplorer.data;

  /* Material's search opens itself with the ?q= of any page's address, and search-on-demand.js
   * then fetches the whole search index: this script runs before both (it is in the page's
   * content, they are at its end), takes q out of the address while they start, and puts it
   * back once they have. */
  var address = location.search;
  var hidden = new URLSearchParams(address);
  if (hidden.has("q")) {
    hidden.delete("q");
    history.replaceState(history.state, "", location.pathname + (hidden.toString() ? "?" + hidden : "") + location.hash);
  }

  var root, form, list, countLine, more, state, first = null, current = null, shown = 0, seq = 0, typing = false, typingTimer;

  function parse(search) {
    var p = new URLSearchParams(search), s = { facets: {} };
    FACETS.forEach(function (f) { s.facets[f] = p.getAll(f).filter(Boolean); });
    RANGES.forEach(function (r) { s[r] = data.span(p.get(r)) ? p.get(r) : ""; });
    s.q = (p.get("q") || "").trim();
    s.sort = p.get("sort") === "published" ? "published" : "event";
    return s;
  }

  function serialize(s) {
    var p = new URLSearchParams();
    FACETS.forEach(function (f) { s.facets[f].forEach(function (v) { p.append(f, v); }); });
    RANGES.forEach(function (r) { if (s[r]) p.set(r, s[r]); });
    if (s.q) p.set("q", s.q);
    if (s.sort !== "event") p.set("sort", s.sort);
    var text = p.toString();
    return text ? "?" + text : "";
  }

  function isDefault(s) {
    return serialize(s) === "";
  }

  /* "" for the unfiltered view, "topic-<n>" (etc.) or "year-<yyyy>" for a view written ahead
   * (first.views), null for any other. */
  function viewKey(s) {
    if (isDefault(s)) return "";
    var chosen = FACETS.filter(function (f) { return s.facets[f].length; }), key = null;
    var others = s.q || s.sort !== "event" || s.pub_from || s.pub_to;
    if (!chosen.length && !others && s.event_from === s.event_to && /^\d{4}$/.test(s.event_from)) key = "year-" + s.event_from;
    if (chosen.length === 1 && s.facets[chosen[0]].length === 1 && !others && !s.event_from && !s.event_to) {
      first.dict[chosen[0]].forEach(function (entry, k) { if (entry[0] === s.facets[chosen[0]][0]) key = chosen[0] + "-" + k; });
    }
    return key && first.views.indexOf(key) >= 0 ? key : null;
  }

  function rangeInput(r) { return document.getElementById("explorer-" + r.replace("_", "-")); }

  /* The state the controls show; values the page has no checkbox for (a slug from a shared
   * address that matches no claim) are kept until the filters are cleared. */
  function fromControls(clearing) {
    var s = { facets: {} };
    FACETS.forEach(function (f) {
      var kept = clearing ? [] : state.facets[f].filter(function (v) { return !form.querySelector('input[name="' + f + '"][value="' + CSS.escape(v) + '"]'); });
      s.facets[f] = kept.concat(Array.prototype.map.call(form.querySelectorAll('input[name="' + f + '"]:checked'), function (box) { return box.value; }));
    });
    RANGES.forEach(function (r) {
      var input = rangeInput(r), value = input.value.trim(), valid = !value || !!data.span(value);
      input.setAttribute("aria-invalid", valid ? "false" : "true");
      s[r] = valid ? value : state[r];
    });
    s.q = document.getElementById("explorer-q").value.trim();
    s.sort = document.getElementById("explorer-sort").value === "published" ? "published" : "event";
    return s;
  }

  function toControls(s) {
    FACETS.forEach(function (f) {
      form.querySelectorAll('input[name="' + f + '"]').forEach(function (box) { box.checked = s.facets[f].indexOf(box.value) >= 0; });
    });
    RANGES.forEach(function (r) { rangeInput(r).value = s[r]; rangeInput(r).setAttribute("aria-invalid", "false"); });
    document.getElementById("explorer-q").value = s.q;
    document.getElementById("explorer-sort").value = s.sort;
  }

  /* A filter changed: a history entry (or, while the reader types, the same one updated), then the results. */
  function apply(replace, clearing) {
    var next = fromControls(clearing);
    if (serialize(next) !== serialize(state)) {
      state = next;
      var target = location.pathname + serialize(state) + location.hash;
      if (replace) history.replaceState(null, "", target);
      else history.pushState(null, "", target);
    }
    update();
  }

  function update() {
    if (!first) return Promise.resolve(); // start() renders the state once first.js is in
    var mine = ++seq, s = state;
    var key = current || !first ? null : viewKey(s);
    if (key === "") {
      // The first view: the unfiltered claims' first page is in first.js; the columns come later.
      showCounts(first.counts);
      render(first.first, first.total, false);
      return Promise.resolve();
    }
    if (key) {
      // An address a topic, place, organization or year page links to: written ahead too.
      return data.view(key).then(function (view) {
        if (mine !== seq) return;
        showCounts(view.counts);
        render(view.first, view.total, false);
      }).catch(failed);
    }
    return data.ready().then(function () {
      return s.q ? whileTextsLoad(s, mine) : null;
    }).then(function () {
      if (mine !== seq) return null;
      var selected = data.select(s);
      current = selected.results;
      showCounts(selected.counts);
      var page = current.slice(0, first.page_size);
      return data.texts(page).then(function () {
        if (mine !== seq) return;
        list.setAttribute("aria-busy", "false");
        render(page.map(data.record), current.length, false);
      });
    }).catch(failed);
  }

  /* The words filter reads every text (130 files at 10,000 sources). They load in order of the
   * results, newest event first: as soon as those loaded hold a page of matches, that page is
   * shown (aria-busy until the count and the facets' counts are complete). */
  function whileTextsLoad(s, mine) {
    if (data.textsLoaded()) return null;
    var files = data.textFiles(), early = s.sort !== "event", found = [];
    return files.reduce(function (before, file, k) {
      return before.then(function () { return file; }).then(function () {
        if (early || mine !== seq || k === files.length - 1) return;
        found = found.concat(data.select(s, [k * first.chunk, (k + 1) * first.chunk]).results);
        if (found.length < first.page_size) return;
        early = true;
        list.setAttribute("aria-busy", "true");
        render(found.slice(0, first.page_size).map(data.record), null, false);
      });
    }, Promise.resolve());
  }

  function showMore() {
    var mine = seq;
    data.ready().then(function () {
      if (!current) current = data.select(state).results;
      var page = current.slice(shown, shown + first.page_size);
      return data.texts(page).then(function () {
        if (mine !== seq) return;
        var before = shown;
        render(page.map(data.record), current.length, true);
        var next = list.children[before];
        if (next) next.focus();
      });
    }).catch(failed);
  }

  function failed(error) {
    countLine.textContent = "The claims could not be loaded (" + error.message + "). The plain pages list them all.";
  }

  function showCounts(counts) {
    FACETS.forEach(function (f) {
      var index = {};
      first.dict[f].forEach(function (entry, k) { index[entry[0]] = k; });
      form.querySelectorAll('input[name="' + f + '"]').forEach(function (box) {
        var n = counts[f][index[box.value]] || 0, label = box.nextElementSibling.querySelector(".kb-explorer-n");
        if (label.textContent !== String(n)) label.textContent = String(n);
        box.parentNode.classList.toggle("kb-explorer-none", n === 0);
      });
    });
  }

  function render(records, total, append) {
    if (!append) { list.textContent = ""; shown = 0; }
    var fragment = document.createDocumentFragment();
    records.forEach(function (r) { fragment.appendChild(item(r)); });
    list.appendChild(fragment);
    shown += records.length;
    more.hidden = total === null || shown >= total;
    var text = total === null ? "Searching: " + shown + " claims found so far" : total === 0 ? "No claim matches these filters." :
      total.toLocaleString("en") + (total === 1 ? " claim" : " claims") +
      (total === first.total ? "" : " of " + first.total.toLocaleString("en")) +
      (shown < total ? ", the first " + shown.toLocaleString("en") + " shown" : "");
    if (countLine.textContent !== text) countLine.textContent = text;
    list.setAttribute("data-renders", String(+list.getAttribute("data-renders") + 1));
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function display(value, qualifier) {
    var p = value.split("-").map(Number);
    var text = p.length === 1 ? String(p[0]) : p.length === 2 ? MONTHS[p[1] - 1] + " " + p[0] : p[2] + " " + MONTHS[p[1] - 1] + " " + p[0];
    if (qualifier) text = qualifier === "mid" ? "mid-" + text : qualifier + " " + text;
    return text;
  }

  function names(r, facet) {
    return r[facet].map(function (k) { return first.dict[facet][k][1]; }).join(", ");
  }

  /* One result: the event date, the status, the text, the source (linking to the claim on its
   * page) and the labels. Text only through textContent: nothing in the data becomes markup. */
  function item(r) {
    var li = el("li", "kb-claim kb-explorer-claim");
    li.tabIndex = -1;
    var meta = el("p", "kb-explorer-meta");
    if (r.ev) {
      meta.appendChild(el("strong", "", display(r.ev, r.q)));
      if (r.inf) meta.appendChild(el("small", "", " (inferred: " + r.inf + ")"));
    } else {
      meta.appendChild(el("span", "", "Undated"));
    }
    meta.appendChild(document.createTextNode(" · "));
    var status = first.dict.status[r.st];
    meta.appendChild(el("span", "kb-status kb-status-" + status[1].toLowerCase().replace(/ /g, "-"), status[1]));
    if (r.n > 1) meta.appendChild(document.createTextNode(" reported by " + r.n + " independent outlets"));
    li.appendChild(meta);
    li.appendChild(el("p", "kb-explorer-text", r.text));
    var source = el("p", "kb-explorer-source");
    var link = el("a", "", r.s.title);
    link.href = "../" + first.page[0] + r.s.slug + first.page[1] + "#claim-" + r.id;
    source.appendChild(link);
    source.appendChild(document.createTextNode(" — " + first.dict.outlet[r.s.outlet][1] + ", " + display(r.s.pub, r.s.pq) +
      " · " + first.dict.evidence[r.s.evidence][1] + " · " + first.dict.lang[r.s.lang][1]));
    li.appendChild(source);
    var labels = [["Topics", "topic"], ["Places", "place"], ["Organizations", "org"]].filter(function (g) { return r[g[1]].length; })
      .map(function (g) { return g[0] + ": " + names(r, g[1]); });
    li.appendChild(el("p", "kb-explorer-labels", labels.join(" · ")));
    return li;
  }

  function downloadAs(format) {
    var status = document.getElementById("explorer-download-status");
    status.textContent = "Preparing the file…";
    var s = state;
    data.ready().then(function () {
      return s.q ? data.allTexts() : null;
    }).then(function () {
      return data.download(data.select(s).results, format);
    }).then(function (n) {
      status.textContent = n.toLocaleString("en") + (n === 1 ? " claim" : " claims") + " downloaded as " + format.toUpperCase() + ".";
    }).catch(function (error) { status.textContent = "The download failed: " + error.message; });
  }

  function bind() {
    form.addEventListener("submit", function (event) { event.preventDefault(); typing = false; apply(false); });
    form.addEventListener("change", function (event) {
      if (event.target.id === "explorer-q") { clearTimeout(typingTimer); apply(typing); typing = false; return; }
      apply(false);
    });
    document.getElementById("explorer-q").addEventListener("input", function () {
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { apply(typing); typing = true; }, TYPING_PAUSE_MS);
    });
    form.addEventListener("reset", function () { setTimeout(function () { typing = false; apply(false, true); }, 0); });
    window.addEventListener("popstate", function () {
      state = parse(location.search);
      toControls(state);
      typing = false;
      update();
    });
    // The words filter reads every claim's text: start loading them when the reader goes to it.
    document.getElementById("explorer-q").addEventListener("focus", function () {
      data.ready().then(data.allTexts).catch(function () {});
    });
    more.addEventListener("click", showMore);
    document.getElementById("explorer-csv").addEventListener("click", function () { downloadAs("csv"); });
    document.getElementById("explorer-json").addEventListener("click", function () { downloadAs("json"); });
  }

  function preload() { data.ready().catch(function () {}); }

  function start() {
    root = document.getElementById("explorer");
    if (!root) return;
    form = document.getElementById("explorer-form");
    list = document.getElementById("explorer-results");
    countLine = document.getElementById("explorer-count");
    more = document.getElementById("explorer-more");
    data.setBase(root.getAttribute("data-data"));
    root.hidden = false;
    // On a phone the filters are folded away, so that the results are not below all of them.
    if (window.matchMedia("(max-width: 44.9375em)").matches) document.getElementById("explorer-filters").open = false;
    document.querySelectorAll(".kb-explorer-nojs").forEach(function (note) { note.hidden = true; });
    if (address !== location.search) {
      setTimeout(function () { history.replaceState(history.state, "", location.pathname + address + location.hash); }, 0);
    }
    state = parse(address);
    toControls(state);
    bind();
    countLine.textContent = "Loading the claims…";
    data.first().then(function (loaded) {
      first = loaded;
      return update();
    }).then(function () {
      // The columns in the background once the first view is complete (after the window's load
      // event), so that the first filter need not wait for them.
      if (document.readyState === "complete") setTimeout(preload, 0);
      else window.addEventListener("load", function () { setTimeout(preload, 0); });
    }).catch(failed);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
