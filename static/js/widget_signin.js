// The sign-in popup: hand the "Ask us!" panel (its opener, on this same origin) the widget credential.
(function () {
  "use strict";
  var handoff = JSON.parse(document.getElementById("widget-handoff").textContent);
  if (!window.opener) {
    document.getElementById("widget-signin-noopener").hidden = false;
    return;
  }
  // Addressed to this origin only: a foreign page that opened this window receives nothing.
  window.opener.postMessage(handoff, window.location.origin);
  window.setTimeout(function () { window.close(); }, 300);
})();
