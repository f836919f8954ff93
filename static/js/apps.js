// The ask view inside the VK / Facebook frame: hide the launch parameters from the address bar, suggest topics.
(function () {
  "use strict";
  if (window.location.search && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
  var form = document.getElementById("frame-ask-form");
  if (!form) { return; }
  var title = form.querySelector("[name=title]");
  var box = document.getElementById("frame-suggestions");
  var list = box.querySelector(".suggestion-list");
  var timer = null, lastQuery = null;

  function show(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = item.title;
      li.appendChild(link);
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  function suggest() {
    var query = title.value.trim();
    if (query.length < 8 || query === lastQuery) { return; }
    lastQuery = query;
    fetch(form.dataset.suggestUrl + "?title=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(show)
      .catch(function () { /* suggestions are a help, not a requirement */ });
  }

  title.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 500);
  });
})();
