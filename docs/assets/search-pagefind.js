/* Material's search, answered by Pagefind: a drop-in for Material's search worker.
 *
 * Material's page script talks to its search worker in four messages: SETUP (0) with the
 * index, READY (1), QUERY (2) with the query, RESULT (3) with the results. Its own worker
 * builds a lunr index from every page's text in the reader's browser; this one asks Pagefind,
 * which fetches only the parts of the index a query needs (scripts/pagefind_index.py writes
 * them, in one or more bundles listed in pagefind/bundles.json). Material's search box,
 * keyboard use, result list and highlighting stay as they are. The offline copy (file://)
 * keeps Material's own worker: Pagefind cannot fetch its files from disk.
 */
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
/* Results whose page data are fetched first (one small file each), then the rest up to MORE. */
var FIRST = 10, MORE = 50;
var SITE = new URL("../", self.location.href);
var PAGEFIND = new URL("pagefind/", SITE);

var engine = null;
var latest = 0;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

/* Material sends the query as typed, sometimes with lunr's operators added (+word, word*). */
function plainQuery(query) {
  return String(query).replace(/(^|\s)[+\-]/g, "$1").replace(/[*~^]+/g, " ").replace(/\s+/g, " ").trim();
}

/* Pagefind's excerpt is escaped text with <mark> around the matches: Material shows it as is. */
function excerptHtml(excerpt) {
  return excerpt ? "<p>" + excerpt + "</p>" : "";
}

/* A page's URL as Material's result links expect it: relative to the site's root. */
function sitePath(url) {
  return String(url).replace(/^\//, "");
}

function termsOf(query) {
  var terms = {};
  query.split(" ").forEach(function (term) { if (term) terms[term] = true; });
  return terms;
}

/* One page's results in Material's shape: the page, then its sections that matched. */
function documents(data, score, terms) {
  var docs = [{ location: sitePath(data.url), title: escapeHtml(data.meta.title || data.url),
                text: excerptHtml(data.excerpt), score: score, terms: terms }];
  (data.sub_results || []).forEach(function (sub) {
    if (!sub.url || sub.url === data.url || sub.url.indexOf("#") < 0) return;
    docs.push({ location: sitePath(sub.url), title: escapeHtml(sub.title), text: excerptHtml(sub.excerpt),
                score: score / 2, terms: terms });
  });
  return docs;
}

function start() {
  return import(new URL("0/pagefind.js", PAGEFIND).href).then(function (pagefind) {
    return fetch(new URL("bundles.json", PAGEFIND).href)
      .then(function (response) { return response.json(); })
      .then(function (bundles) {
        // No penalty for long pages (pageLength 0): a topic's page is longer than a short
        // organization entry that mentions it, and a reader who types the topic wants its page.
        return pagefind.options({ basePath: new URL(bundles[0], PAGEFIND).href, excerptLength: 24,
                                  ranking: { pageLength: 0 } })
          .then(function () { return pagefind.init(); })
          .then(function () {
            return Promise.all(bundles.slice(1).map(function (bundle) {
              return pagefind.mergeIndex(new URL(bundle, PAGEFIND).href);
            }));
          })
          .then(function () { return pagefind; });
      });
  });
}

function search(query, id) {
  var text = plainQuery(query);
  if (!text) {
    postMessage({ type: RESULT, data: { items: [] } });
    return Promise.resolve();
  }
  return engine.then(function (pagefind) { return pagefind.search(text); }).then(function (found) {
    if (id !== latest || !found) return null;  // the reader has typed on: that query is answered
    var terms = termsOf(text);
    var results = found.results;
    function answer(count) {
      return Promise.all(results.slice(0, count).map(function (result) {
        return result.data().then(function (data) { return documents(data, result.score, terms); });
      })).then(function (items) {
        if (id === latest) postMessage({ type: RESULT, data: { items: items } });
      });
    }
    return answer(FIRST).then(function () {
      if (results.length > FIRST && id === latest) return answer(MORE);
      return null;
    });
  }).catch(function (error) {
    console.warn("search failed:", error);
    postMessage({ type: RESULT, data: { items: [] } });
  });
}

addEventListener("message", function (event) {
  var message = event.data;
  if (message.type === SETUP) {
    engine = engine || start();
    engine.then(function () { postMessage({ type: READY }); }, function (error) {
      console.warn("search could not start:", error);
      postMessage({ type: READY });
    });
  } else if (message.type === QUERY) {
    latest += 1;
    search(message.data, latest);
  }
});
