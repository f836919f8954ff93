// Article pages: report one reading per tab (the server counts it for "Most read"; crawlers do not run this).
(function () {
  "use strict";
  var article = document.querySelector("[data-view-url]");
  if (!article) { return; }
  var key = "otklik-kb-read-" + article.getAttribute("data-article-id");
  try {
    if (window.sessionStorage.getItem(key)) { return; }
    window.sessionStorage.setItem(key, "1");
  } catch (e) { /* storage off: count anyway */ }
  var meta = document.querySelector("meta[name=csrf-token]");
  fetch(article.getAttribute("data-view-url"), {
    method: "POST", credentials: "same-origin", keepalive: true,
    headers: { "X-CSRFToken": meta ? meta.getAttribute("content") : "", "Accept": "application/json" }
  }).catch(function () { /* counting never bothers the reader */ });
})();
