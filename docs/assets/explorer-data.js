/* The claim explorer's data: loading, decoding, filtering and counting, and the downloads.
 * (The page and its controls: explorer.js. The files are written by scripts/kb/explorer.py.)
 *
 * Every data file is a script that calls kbExplorer.load(kind, ...): <script src> works from
 * file:// (the offline copy), where fetch() of a local file is refused. Claims are numbered by
 * their position in the default order (newest event first); a source by its rank by publication.
 */
(function () {
  "use strict";
  var DAY = 86400000;
  var PRECISION = ["", "year", "month", "day"];
  var STATUSES = 3;
  var loaded = { text: [], views: {} };
  var loading = {};
  var base = "";

  window.kbExplorer = window.kbExplorer || {};
  kbExplorer.load = function (kind, a, b) {
    if (kind === "text") loaded.text[a] = b;
    else if (kind === "view") loaded.views[a] = b;
    else loaded[kind] = a;
  };

  function script(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = base + name;
        tag.onload = resolve;
        tag.onerror = function () {
          delete loading[name];
          reject(new Error("could not load " + base + name));
        };
        document.head.appendChild(tag);
      });
    }
    return loading[name];
  }

  /* "2023", "2023-05" or "2023-05-14" -> [first day, last day] as days since 1970, or null. */
  function span(value) {
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value || "");
    if (!m) return null;
    var y = +m[1], mo = m[2] ? +m[2] - 1 : 0, d = m[3] ? +m[3] : 1;
    var first = Date.UTC(y, mo, d);
    var check = new Date(first);
    if (check.getUTCMonth() !== mo || check.getUTCDate() !== d) return null;
    var last = m[3] ? first : m[2] ? Date.UTC(y, mo + 1, 1) - DAY : Date.UTC(y + 1, 0, 1) - DAY;
    return [Math.round(first / DAY), Math.round(last / DAY)];
  }

  function lastDay(first, precision) {
    var date = new Date(first * DAY);
    if (precision === 3) return first;
    var end = precision === 2 ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
      : Date.UTC(date.getUTCFullYear() + 1, 0, 1);
    return Math.round(end / DAY) - 1;
  }

  function isoValue(day, precision) {
    var iso = new Date(day * DAY).toISOString();
    return iso.slice(0, [0, 4, 7, 10][precision]);
  }

  /* The columns of facets.js as typed arrays: a few MB at 65,000 claims. */
  function decode(raw) {
    var n = raw.src.length, first = loaded.first;
    var cols = {
      n: n, src: Int32Array.from(raw.src), prec: new Uint8Array(n), status: new Uint8Array(n),
      evFirst: new Int32Array(n), evLast: new Int32Array(n), lists: {}, source: {}, pubRank: null,
    };
    var day = 0;
    for (var i = 0; i < n; i++) {
      var code = raw.code[i];
      cols.prec[i] = (code / STATUSES) | 0;
      cols.status[i] = code % STATUSES;
      if (cols.prec[i]) {
        day += raw.ev[i];
        cols.evFirst[i] = day;
        cols.evLast[i] = lastDay(day, cols.prec[i]);
      }
    }
    ["topic", "place", "org"].forEach(function (facet) {
      var flat = raw[facet], offsets = new Uint32Array(n + 1), values = [];
      for (var i = 0, k = 0; i < n; i++) {
        offsets[i] = values.length;
        var count = flat[k++];
        for (var j = 0; j < count; j++) values.push(flat[k++]);
      }
      offsets[n] = values.length;
      cols.lists[facet] = { offsets: offsets, values: Uint16Array.from(values) };
    });
    ["outlet", "evidence", "lang"].forEach(function (facet) {
      cols.source[facet] = Uint16Array.from(raw.sources[facet]);
    });
    cols.pub = raw.sources.pub;
    var s = cols.pub.length;
    cols.pubFirst = new Int32Array(s);
    cols.pubLast = new Int32Array(s);
    for (var k = 0; k < s; k++) {
      var range = span(cols.pub[k]);
      cols.pubFirst[k] = range[0];
      cols.pubLast[k] = range[1];
    }
    // Sorted by publication: by the source's rank, then by the default order (a counting sort).
    var starts = new Uint32Array(s + 1);
    for (var c = 0; c < n; c++) starts[cols.src[c] + 1]++;
    for (var r = 0; r < s; r++) starts[r + 1] += starts[r];
    cols.pubRank = new Uint32Array(n);
    for (var c2 = 0; c2 < n; c2++) cols.pubRank[c2] = starts[cols.src[c2]]++;
    cols.dictSizes = {};
    Object.keys(first.dict).forEach(function (facet) { cols.dictSizes[facet] = first.dict[facet].length; });
    return cols;
  }

  var columns = null;
  function ready() {
    if (columns) return Promise.resolve(columns);
    return Promise.all([script("first.js"), script("facets.js"), script("sources.js")]).then(function () {
      if (!columns) {
        columns = decode(loaded.facets);
        loaded.facets = null; // decoded: the plain arrays can go
      }
      return columns;
    });
  }

  function texts(positions) {
    var chunk = loaded.first.chunk, wanted = {};
    positions.forEach(function (i) { wanted[(i / chunk) | 0] = true; });
    return Promise.all(Object.keys(wanted).map(function (k) { return script("text/" + k + ".js"); }));
  }

  /* Every text file, each as a promise, in order (all requested at once). */
  function textFiles() {
    var all = [];
    for (var k = 0; k < loaded.first.chunks; k++) all.push(script("text/" + k + ".js"));
    return all;
  }

  function allTexts() { return Promise.all(textFiles()); }

  function textsLoaded() {
    for (var k = 0; k < loaded.first.chunks; k++) if (!loaded.text[k]) return false;
    return true;
  }

  function textRow(i) {
    var chunk = loaded.first.chunk;
    return loaded.text[(i / chunk) | 0][i % chunk];
  }

  /* One claim whole, in the shape first.js gives its records. */
  function record(i) {
    var cols = columns, t = textRow(i), s = cols.src[i], src = loaded.sources, lists = {};
    ["topic", "place", "org"].forEach(function (facet) {
      var l = cols.lists[facet];
      lists[facet] = Array.prototype.slice.call(l.values, l.offsets[i], l.offsets[i + 1]);
    });
    return {
      i: i, id: t[0], text: t[1], quote: t[2], q: t[3], inf: t[4], n: t[5],
      ev: cols.prec[i] ? isoValue(cols.evFirst[i], cols.prec[i]) : "", st: cols.status[i],
      topic: lists.topic, place: lists.place, org: lists.org,
      s: {
        slug: src.slug[s], title: src.title[s], url: src.url[s], pub: cols.pub[s], pq: src.pq[s],
        outlet: cols.source.outlet[s], evidence: cols.source.evidence[s], lang: cols.source.lang[s],
      },
    };
  }

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  /* The claims a state selects, in its order, and each facet value's count: the claims that
   * would match if the value were added (the other facets' selections and the ranges hold;
   * values of one facet are alternatives, facets are all required). With `range` ([from, to)
   * positions), only those claims are read (the words filter, while the texts load). */
  function select(state, range) {
    var cols = columns, first = loaded.first;
    var start = range ? range[0] : 0, n = range ? Math.min(range[1], cols.n) : cols.n;
    var all = Object.keys(first.dict).map(function (facet) { return facetOf(facet, state.facets[facet]); });
    var active = all.filter(function (f) { return f.wanted; });
    var ev = bounds(state.event_from, state.event_to), pub = bounds(state.pub_from, state.pub_to);
    var words = (state.q || "").trim().split(/\s+/).filter(Boolean).map(function (w) { return new RegExp(escapeRegExp(w), "i"); });
    var results = [];
    for (var i = start; i < n; i++) {
      var s = cols.src[i];
      if (ev && (!cols.prec[i] || (ev[0] && cols.evFirst[i] < ev[0][0]) || (ev[1] && cols.evLast[i] > ev[1][1]))) continue;
      if (pub && ((pub[0] && cols.pubFirst[s] < pub[0][0]) || (pub[1] && cols.pubLast[s] > pub[1][1]))) continue;
      if (words.length) {
        var t = textRow(i), found = true;
        for (var w = 0; w < words.length && found; w++) found = words[w].test(t[1]) || words[w].test(t[2]);
        if (!found) continue;
      }
      var failed = null, misses = 0;
      for (var a = 0; a < active.length && misses < 2; a++) {
        if (!has(active[a], i, s)) { misses++; failed = active[a]; }
      }
      if (misses === 0) {
        results.push(i);
        for (var f = 0; f < all.length; f++) count(all[f], i, s);
      } else if (misses === 1) {
        count(failed, i, s);
      }
    }
    if (state.sort === "published") {
      var ranks = Uint32Array.from(results, function (c) { return cols.pubRank[c]; }).sort();
      var byRank = {};
      results.forEach(function (c) { byRank[cols.pubRank[c]] = c; });
      results = Array.prototype.map.call(ranks, function (r) { return byRank[r]; });
    }
    var counts = {};
    all.forEach(function (f) { counts[f.facet] = f.counts; });
    return { results: results, counts: counts };
  }

  /* A facet as the loop reads it: where its values are (per claim, per source, or a list per
   * claim), the values chosen (null: none) and its counts. */
  function facetOf(facet, chosen) {
    var cols = columns, size = cols.dictSizes[facet], f = { facet: facet, counts: new Uint32Array(size), wanted: null };
    if (facet === "status") f.perClaim = cols.status;
    else if (cols.source[facet]) f.perSource = cols.source[facet];
    else { f.offsets = cols.lists[facet].offsets; f.values = cols.lists[facet].values; }
    if (chosen && chosen.length) {
      var index = {};
      loaded.first.dict[facet].forEach(function (entry, k) { index[entry[0]] = k; });
      f.wanted = new Uint8Array(size);
      chosen.forEach(function (slug) { if (slug in index) f.wanted[index[slug]] = 1; });
    }
    return f;
  }

  /* [first span, last span] of a range, either of them null when not given; null without either. */
  function bounds(from, to) {
    var a = span(from), b = span(to);
    return a || b ? [a, b] : null;
  }

  function has(f, i, s) {
    if (f.perClaim) return f.wanted[f.perClaim[i]] === 1;
    if (f.perSource) return f.wanted[f.perSource[s]] === 1;
    for (var j = f.offsets[i], end = f.offsets[i + 1]; j < end; j++) if (f.wanted[f.values[j]]) return true;
    return false;
  }

  function count(f, i, s) {
    if (f.perClaim) f.counts[f.perClaim[i]]++;
    else if (f.perSource) f.counts[f.perSource[s]]++;
    else for (var j = f.offsets[i], end = f.offsets[i + 1]; j < end; j++) f.counts[f.values[j]]++;
  }

  /* A row as claims.csv has it (scripts/kb/export.py: CLAIM_COLUMNS). */
  var COLUMNS = ["source", "claim_id", "event_date", "event_date_precision", "event_date_qualifier",
    "event_date_inferred", "text", "quote", "topics", "places", "organizations", "status",
    "independent_outlets", "outlet", "published", "source_url", "page"];

  function row(r) {
    var dict = loaded.first.dict, page = loaded.first.page;
    function slugs(facet) { return r[facet].map(function (k) { return dict[facet][k][0]; }).join(";"); }
    return {
      source: r.s.slug, claim_id: r.id, event_date: r.ev,
      event_date_precision: r.ev ? PRECISION[r.ev.split("-").length] : "",
      event_date_qualifier: r.q, event_date_inferred: r.inf, text: r.text, quote: r.quote,
      topics: slugs("topic"), places: slugs("place"), organizations: slugs("org"),
      status: dict.status[r.st][1], independent_outlets: r.n, outlet: dict.outlet[r.s.outlet][1],
      published: r.s.pub, source_url: r.s.url, page: page[0] + r.s.slug + page[1] + "#claim-" + r.id,
    };
  }

  /* Quoted as Python's csv module quotes (QUOTE_MINIMAL, "\n" between rows), so that the file
   * is the same as the rows of claims.csv. */
  function csvField(value) {
    var text = String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function download(positions, format) {
    return texts(positions).then(function () {
      var rows = positions.map(function (i) { return row(record(i)); });
      var body;
      if (format === "csv") {
        body = [COLUMNS.join(",")].concat(rows.map(function (r) {
          return COLUMNS.map(function (c) { return csvField(r[c]); }).join(",");
        })).join("\n") + "\n";
      } else {
        body = rows.length ? "[\n" + rows.map(function (r) { return JSON.stringify(r); }).join(",\n") + "\n]\n" : "[]\n";
      }
      var type = format === "csv" ? "text/csv;charset=utf-8" : "application/json;charset=utf-8";
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([body], { type: type }));
      link.download = "claims-selected." + format;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
      return rows.length;
    });
  }

  kbExplorer.data = {
    setBase: function (url) { base = url; },
    first: function () { return script("first.js").then(function () { return loaded.first; }); },
    /* A view written ahead (first/<key>.js): its count, facet counts and first page. */
    view: function (key) { return script("first/" + key + ".js").then(function () { return loaded.views[key]; }); },
    ready: ready, texts: texts, allTexts: allTexts, textFiles: textFiles, textsLoaded: textsLoaded, record: record, select: select, span: span,
    download: download,
  };
})();
