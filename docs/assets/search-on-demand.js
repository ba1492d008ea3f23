/* Start the search when a reader starts to search, not on every page view.
 *
 * Material's bundle requests search/search_index.json with XMLHttpRequest as soon as a page
 * opens, and its search worker starts on the answer. On the hosted site that index holds only
 * Material's settings, but the worker then loads Pagefind (docs/assets/search-pagefind.js: its
 * library, WebAssembly and the index's entry files, ~130 KB), most of a page's first view, for
 * readers who never search; on the offline copy it is the whole lunr index. This script runs
 * before the bundle and holds that one request back until the reader shows an intent to search:
 * focusing the search field (click, tap, or Material's keyboard shortcuts "/", "s", "f", which
 * focus it), opening the search on a phone, or arriving with ?q= or ?h= in the address (a shared
 * search, or a result's highlighting). Until then Material shows "Initializing search"; nothing
 * else changes. From file:// Material loads the index with a <script> instead: untouched.
 */
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var held = [];
  var wanted = false;

  function release() {
    if (wanted) return;
    wanted = true;
    held.splice(0).forEach(function (request) { send.apply(request.xhr, request.args); });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this.kbSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.kbSearchIndex && !wanted) {
      held.push({ xhr: this, args: arguments });
      return undefined;
    }
    return send.apply(this, arguments);
  };

  var params = new URLSearchParams(window.location.search);
  if (params.has("q") || params.has("h")) release();

  function isSearch(element) {
    return element && element.closest && element.closest(".md-search, label[for='__search']");
  }
  document.addEventListener("focusin", function (event) { if (isSearch(event.target)) release(); }, true);
  document.addEventListener("pointerdown", function (event) { if (isSearch(event.target)) release(); }, true);
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search") release();
  }, true);
})();
