// One suggested topic or article, filled into a copy of a <template>: shared by the ask form (ask.js) and the
// "Ask us!" panel (widget_panel.js). typeLabel: the type badge's text; statuses: {status: label}.
window.otklikSuggestionItem = function (template, item, typeLabel, statuses) {
  "use strict";
  var node = template.content.firstElementChild.cloneNode(true);
  var link = node.querySelector(".suggestion-title");
  link.href = item.url;
  link.textContent = item.title;
  node.querySelector(".badge.type").textContent = typeLabel;
  var status = node.querySelector(".badge.status");
  status.textContent = statuses[item.status] || "";
  status.className = "badge status status-" + (item.status || "none");
  node.querySelector(".answered").hidden = !item.answered;
  node.querySelector(".snippet").innerHTML = item.snippet;  // server-escaped, only <mark> inside
  return { node: node, link: link };
};
