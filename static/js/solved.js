// "This solved my problem": offered on a topic or article opened from the ask form's suggestions
// (ask.js remembers which one); tells the events API, then forgets the draft the customer no longer needs.
(function () {
  "use strict";
  var box = document.getElementById("suggestion-solved");
  if (!box) { return; }
  var opened = null;
  try { opened = JSON.parse(window.sessionStorage.getItem("otklik-ask-opened")); } catch (e) { return; }
  if (!opened || opened.kind !== box.dataset.kind || String(opened.id) !== box.dataset.id) { return; }
  box.hidden = false;
  var button = box.querySelector("button");
  var csrf = document.querySelector("meta[name=csrf-token]").getAttribute("content");
  button.addEventListener("click", function () {
    button.disabled = true;
    fetch(box.dataset.eventsUrl, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ event: "suggestion_solved", draft: opened.draft, kind: opened.kind, id: opened.id })
    }).catch(function () { /* analytics never blocks the customer */ });
    try {
      window.sessionStorage.removeItem("otklik-ask-opened");
      window.sessionStorage.removeItem("otklik-ask-draft");
    } catch (e) { /* ignore */ }
    box.querySelector(".solved-question").hidden = true;
    var thanks = box.querySelector(".solved-thanks");
    thanks.hidden = false;
    thanks.focus();
  });
})();
