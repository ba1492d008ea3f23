/* Links to a claim that is no longer on the page they name still lead to the claim.
 *
 * Once a topic, place or organization has too many claims for one page (and a year of the
 * timeline too many for its page), its claims move to pages by year and numbered parts. A link
 * published before, such as /topics/<slug>/#2023 or /timeline/2023/#claim-<source>--<claim>,
 * then names an anchor the page no longer has. This script, on any page, looks at the address's
 * #anchor when it is missing from the page and goes:
 *   - to the page that now holds it, when a link on this page says so (data-kb-holds="2023");
 *   - for a claim's list anchor, claim-<source slug>--<claim id>, to the claim on its source
 *     page (the address pattern is on the page's [data-kb-moved] element).
 * Without JavaScript the [data-kb-moved] note tells the reader where to look. No request is made.
 */
(function () {
  "use strict";
  var LIST_ANCHOR = /^claim-([a-z0-9]+(?:-[a-z0-9]+)*)--([a-z0-9]+(?:-[a-z0-9]+)*)$/;

  function follow() {
    var anchor;
    try {
      anchor = decodeURIComponent(location.hash.slice(1));
    } catch (error) {
      return;
    }
    if (!anchor || document.getElementById(anchor)) return;
    var holders = document.querySelectorAll("a[data-kb-holds]");
    for (var i = 0; i < holders.length; i++) {
      if (holders[i].getAttribute("data-kb-holds").split(" ").indexOf(anchor) >= 0 && sameSite(holders[i].href)) {
        location.replace(holders[i].href.split("#")[0]);
        return;
      }
    }
    var claim = LIST_ANCHOR.exec(anchor);
    var moved = document.querySelector("[data-kb-moved][data-kb-source]");
    if (claim && moved) {
      var target = moved.getAttribute("data-kb-source").replace("SLUG", claim[1]).replace("claim-ID", "claim-" + claim[2]);
      target = new URL(target, location.href);
      if (sameSite(target.href)) location.replace(target.href);
    }
  }

  /* Only to a page of this site: the attributes come through the page's content. */
  function sameSite(address) {
    var url = new URL(address, location.href);
    return url.protocol === location.protocol && url.host === location.host;
  }

  follow();
  window.addEventListener("hashchange", follow);
})();
