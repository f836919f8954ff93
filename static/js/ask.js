// The ask form: suggest existing topics while the customer types, keep the draft, report what happened.
(function () {
  "use strict";
  var form = document.getElementById("ask-form");
  if (!form) { return; }
  var title = form.querySelector("[name=title]");
  var body = form.querySelector("[name=body]");
  var box = document.getElementById("suggestions");
  var list = box.querySelector(".suggestion-list");
  var template = document.getElementById("suggestion-template");
  var labels = JSON.parse(document.getElementById("ask-labels").textContent);
  var csrf = document.querySelector("meta[name=csrf-token]").getAttribute("content");
  var STORE = "otklik-ask-draft";
  // The draft id survives only the detour through sign-in (one draft, posted after logging in); any other
  // restored draft is a new visit and gets a new id, so an earlier deflection is never taken back.
  var SIGN_IN_DRAFT = "otklik-ask-draft-id";
  var MIN_TITLE = 8, PAUSE_MS = 500;
  var timer = null, lastQuery = null, dismissed = false, requestNo = 0;

  // With the script running, the customer sees suggestions live: no extra confirmation page.
  form.querySelector("[name=confirmed]").value = "1";

  function newDraftId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function readDraft() {
    try { return JSON.parse(window.sessionStorage.getItem(STORE)) || null; } catch (e) { return null; }
  }

  function saveDraft() {
    var data = { fields: {} };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "confirmed" || el.name === "draft_id") { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { data.fields[el.name] = el.value; }
      } else if (el.type !== "submit" && el.type !== "button") {
        data.fields[el.name] = el.value;
      }
    });
    try { window.sessionStorage.setItem(STORE, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }

  function signInDraft() {
    try {
      var id = window.sessionStorage.getItem(SIGN_IN_DRAFT);
      window.sessionStorage.removeItem(SIGN_IN_DRAFT);
      return /[?&]resume=1(&|$)/.test(window.location.search) ? id : null;
    } catch (e) { return null; }
  }

  function restoreDraft(saved) {
    Object.keys(saved.fields || {}).forEach(function (name) {
      if (name === "draft_id") { return; }  // drafts saved by an older version of this script carried it
      var value = saved.fields[name];
      Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (el) {
        if (el.type === "radio" || el.type === "checkbox") { el.checked = (el.value === value); }
        else if (!el.value || el.tagName === "SELECT") { el.value = value; }
      });
    });
  }

  var draftField = form.querySelector("[name=draft_id]");
  var saved = readDraft();
  var hasServerData = Boolean(title.value || body.value);
  if (saved && !hasServerData) { restoreDraft(saved); }
  if (!draftField.value) { draftField.value = signInDraft() || newDraftId(); }

  function report(event, extra) {
    var chosen = form.querySelector("[name=category_id]");
    var payload = { event: event, draft: draftField.value, category: chosen ? chosen.value : "" };
    Object.keys(extra || {}).forEach(function (k) { payload[k] = extra[k]; });
    return fetch(form.dataset.eventsUrl, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload)
    }).catch(function () { /* analytics never blocks the customer */ });
  }

  function render(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var filled = window.otklikSuggestionItem(template, item, labels.types[item.type] || item.kind, labels.statuses);
      var node = filled.node, link = filled.link;
      link.addEventListener("click", function () {
        saveDraft();
        // What was typed may become an "also asked as" phrasing of the thread (kept masked, never shown).
        var typed = (title.value.trim() + "\n" + body.value.trim()).trim().slice(0, 2000);
        report("suggestion_clicked", { kind: item.kind, id: item.id, text: typed });
        // The opened page offers "This solved my problem" (static/js/solved.js) for this draft.
        try {
          window.sessionStorage.setItem("otklik-ask-opened", JSON.stringify({ draft: draftField.value, kind: item.kind, id: item.id }));
        } catch (e) { /* storage off: no offer */ }
      });
      list.appendChild(node);
    });
    box.hidden = items.length === 0 || dismissed;
    if (items.length && !dismissed) { report("suggestions_shown", { count: items.length }); }
  }

  function lookUp() {
    var t = title.value.trim();
    if (t.length < MIN_TITLE) { box.hidden = true; return; }
    var query = t + "\n" + body.value.trim().slice(0, 2000);
    if (query === lastQuery) { return; }
    lastQuery = query;
    var mine = ++requestNo;
    var url = form.dataset.suggestUrl + "?title=" + encodeURIComponent(t) +
      "&body=" + encodeURIComponent(body.value.trim().slice(0, 2000)) +
      "&draft=" + encodeURIComponent(draftField.value);  // a search that finds nothing is counted per draft
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { if (mine === requestNo) { render(items); } })
      .catch(function () { /* suggestions are a help, not a requirement */ });
  }

  function onInput() {
    saveDraft();
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, PAUSE_MS);
  }

  title.addEventListener("input", onInput);
  body.addEventListener("input", onInput);
  form.addEventListener("change", saveDraft);
  document.getElementById("suggestions-dismiss").addEventListener("click", function () {
    dismissed = true;
    box.hidden = true;
    body.focus();
  });
  form.addEventListener("submit", function () {
    // A visitor is sent to log in or register first: the draft stays until they come back and post.
    if (form.hasAttribute("data-keep-draft-on-submit")) {
      saveDraft();
      try { window.sessionStorage.setItem(SIGN_IN_DRAFT, draftField.value); } catch (e) { /* storage off */ }
      return;
    }
    try { window.sessionStorage.removeItem(STORE); } catch (e) { /* ignore */ }
  });
  if (title.value.trim().length >= MIN_TITLE) { lookUp(); }
})();
