// The "Ask us!" loader, embedded by a company's pages with one line:
//   <script src="https://support.example/widget.js" async data-position="right" data-label="Ask us!"
//           data-category="Cards" data-language="en"></script>
// It adds a floating tab; the tab opens the community's panel in an iframe. The page's URL and title are
// passed to the panel with postMessage addressed to the community's origin only; messages from the panel are
// accepted only from that origin and that frame.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__otklikWidget) { return; }
  window.__otklikWidget = true;
  var LABELS = /*LABELS*/{};
  var base = new URL(script.src, document.baseURI);
  var community = base.origin;
  var data = script.dataset;
  var language = LABELS[data.language] ? data.language : (LABELS[(document.documentElement.lang || "").slice(0, 2)] ? document.documentElement.lang.slice(0, 2) : "en");
  var labels = LABELS[language] || LABELS.en || { tab: "Ask us!", close: "Close", panel: "Ask us!" };
  var side = data.position === "left" ? "left" : "right";
  var frame = null, box = null, tab = null;

  function css(node, rules) { Object.keys(rules).forEach(function (k) { node.style[k] = rules[k]; }); }

  function panelUrl() {
    var url = new URL("/widget/panel", community);
    url.searchParams.set("host", window.location.origin);
    url.searchParams.set("lang", language);
    if (data.category) { url.searchParams.set("category", data.category); }
    return url.toString();
  }

  function sendPage() {
    if (!frame || !frame.contentWindow) { return; }
    frame.contentWindow.postMessage(
      { type: "otklik:page", url: window.location.href, title: document.title }, community);
  }

  function close() {
    if (box) { box.hidden = true; }
    tab.setAttribute("aria-expanded", "false");
    tab.focus();
  }

  function open() {
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "dialog");
      box.setAttribute("aria-label", labels.panel);
      box.className = "otklik-widget-box";
      css(box, { position: "fixed", bottom: "0", zIndex: "2147483646", width: "min(400px, 100vw)",
        height: "min(640px, 100vh)", background: "#fff", boxShadow: "0 0 16px rgba(0,0,0,.3)",
        display: "flex", flexDirection: "column" });
      box.style[side] = "0";
      var closeButton = document.createElement("button");
      closeButton.type = "button";
      closeButton.textContent = "× " + labels.close;
      closeButton.className = "otklik-widget-close";
      css(closeButton, { alignSelf: "flex-end", margin: "4px", padding: "6px 10px", font: "inherit",
        cursor: "pointer", background: "#fff", border: "1px solid #888", borderRadius: "4px" });
      closeButton.addEventListener("click", close);
      frame = document.createElement("iframe");
      frame.title = labels.panel;
      frame.src = panelUrl();
      frame.className = "otklik-widget-frame";
      css(frame, { border: "0", width: "100%", flex: "1 1 auto" });
      frame.addEventListener("load", sendPage);
      box.appendChild(closeButton);
      box.appendChild(frame);
      box.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });
      document.body.appendChild(box);
    }
    box.hidden = false;
    tab.setAttribute("aria-expanded", "true");
    sendPage();
    frame.focus();
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== community || !frame || event.source !== frame.contentWindow) { return; }
    var message = event.data || {};
    if (message.type === "otklik:ready") { sendPage(); }
    if (message.type === "otklik:close") { close(); }
  });

  function start() {
    tab = document.createElement("button");
    tab.type = "button";
    tab.className = "otklik-widget-tab";
    tab.textContent = data.label || labels.tab;
    tab.setAttribute("aria-expanded", "false");
    tab.setAttribute("aria-haspopup", "dialog");
    css(tab, { position: "fixed", top: "50%", zIndex: "2147483645", padding: "10px 14px",
      background: "#0b5cad", color: "#fff", border: "0", font: "600 15px/1.2 system-ui, sans-serif",
      cursor: "pointer", writingMode: "vertical-rl", borderRadius: side === "left" ? "0 6px 6px 0" : "6px 0 0 6px" });
    tab.style[side] = "0";
    tab.addEventListener("click", function () { if (box && !box.hidden) { close(); } else { open(); } });
    document.body.appendChild(tab);
  }

  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
