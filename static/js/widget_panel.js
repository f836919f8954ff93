// The "Ask us!" panel inside the company's page. Reads are anonymous (no cookies); posting uses a short-lived
// credential that the sign-in popup (on this community's own origin) hands over with postMessage.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("widget-config").textContent);
  // An app entry (VK, Facebook) was opened with signed launch parameters: take them out of the address bar.
  if (config.cleanAddress && window.location.search && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }
  var labels = config.labels;
  var form = document.getElementById("widget-form");
  var title = form.querySelector("[name=title]");
  var body = form.querySelector("[name=body]");
  var box = document.getElementById("widget-suggestions");
  var list = box.querySelector(".suggestion-list");
  var template = document.getElementById("widget-suggestion-template");
  var errorBox = document.getElementById("widget-error");
  var askView = document.getElementById("widget-ask");
  var threadView = document.getElementById("widget-thread");
  var MIN_TITLE = 8, PAUSE_MS = 400;
  var page = { url: "", title: "" };
  var credential = null, popup = null, pendingPost = false;
  var signedInNote = document.getElementById("widget-signed-in");

  function useCredential(data) {
    credential = { token: data.token, csrf: data.csrf };
    signedInNote.textContent = labels.signedIn.replace("{name}", data.name || "");
    signedInNote.hidden = false;
  }
  // An entry point that signed the customer in already (the VK or Facebook app) hands the credential over.
  if (config.credential) { useCredential(config.credential); }
  var timer = null, lastQuery = null, requestNo = 0;
  var inApp = config.channel !== "widget";

  // The origins the panel talks to: the company's site it was checked for, or the platform's (VK, Facebook).
  function isHost(origin) { return config.hosts.indexOf(origin) !== -1; }
  function parentOrigin() {
    if (config.hosts.length === 1) { return config.hosts[0]; }
    try {
      var origin = new URL(document.referrer).origin;  // which of the platform's origins framed us
      return isHost(origin) ? origin : null;
    } catch (e) { return null; }
  }

  // --- messages: the host page (its origin checked against the allowed one) and the sign-in popup -----
  window.addEventListener("message", function (event) {
    var message = event.data || {};
    if (isHost(event.origin) && event.source === window.parent && message.type === "otklik:page") {
      page.url = typeof message.url === "string" ? message.url.slice(0, 2000) : "";
      page.title = typeof message.title === "string" ? message.title.slice(0, 300) : "";
      return;
    }
    if (event.origin === window.location.origin && popup && event.source === popup &&
        message.type === "otklik:widget-token") {
      useCredential(message);
      try { popup.close(); } catch (e) { /* already closed */ }
      popup = null;
      if (pendingPost) { pendingPost = false; post(); }
    }
  });
  var host = parentOrigin();
  if (window.parent !== window && host) { window.parent.postMessage({ type: "otklik:ready" }, host); }

  // --- deflection events: the same events as the ask form, recorded with the panel's channel ----------
  function report(event, extra) {
    var payload = { event: event, draft: config.draft, category: value("category_id") };
    Object.keys(extra || {}).forEach(function (k) { payload[k] = extra[k]; });
    return fetch(config.eventsUrl, {
      method: "POST", credentials: "omit", keepalive: true,
      headers: { "Content-Type": "application/json", "X-Widget-Panel": config.panelToken },
      body: JSON.stringify(payload)
    }).catch(function () { /* analytics never blocks the customer */ });
  }

  // --- suggestions as the customer types ----------------------------------------------------------------
  function render(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var filled = window.otklikSuggestionItem(template, item, config.types[item.type] || labels.article, config.statuses);
      var node = filled.node, link = filled.link;
      if (item.kind === "topic") {
        link.addEventListener("click", function (e) {
          e.preventDefault();
          report("suggestion_clicked", { kind: item.kind, id: item.id });
          showThread(item.id);
        });
      } else {
        link.target = "_blank";
        link.rel = "noopener";
        link.addEventListener("click", function () { report("suggestion_clicked", { kind: item.kind, id: item.id }); });
      }
      list.appendChild(node);
    });
    box.hidden = items.length === 0;
    if (items.length) { report("suggestions_shown", { count: items.length }); }
  }

  function lookUp() {
    var t = title.value.trim();
    if (t.length < MIN_TITLE) { box.hidden = true; return; }
    var details = body.value.trim().slice(0, 2000);
    if (t + "\n" + details === lastQuery) { return; }
    lastQuery = t + "\n" + details;
    var mine = ++requestNo;
    fetch(config.suggestUrl + "?title=" + encodeURIComponent(t) + "&body=" + encodeURIComponent(details) +
      "&draft=" + encodeURIComponent(config.draft),
      { credentials: "omit", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { if (mine === requestNo) { render(items); } })
      .catch(function () { /* suggestions are a help, not a requirement */ });
  }

  function onInput() { window.clearTimeout(timer); timer = window.setTimeout(lookUp, PAUSE_MS); }
  title.addEventListener("input", onInput);
  body.addEventListener("input", onInput);

  // --- a thread, read-only, inside the panel ------------------------------------------------------------
  function showThread(id) {
    var target = document.getElementById("widget-thread-body");
    fetch(config.threadUrl.replace(/0$/, String(id)), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { target.innerHTML = html; })  // our own server-rendered, sanitised fragment
      .catch(function () { target.textContent = labels.notAvailable; })
      .then(function () {
        askView.hidden = true;
        threadView.hidden = false;
        document.getElementById("widget-back").focus();
      });
  }
  document.getElementById("widget-back").addEventListener("click", function () {
    threadView.hidden = true;
    askView.hidden = false;
    title.focus();
  });

  // --- posting: sign in through a popup when there is no credential yet ---------------------------------
  function showError(message) { errorBox.textContent = message; errorBox.hidden = !message; }

  function value(name) {
    var checked = form.querySelector("[name=" + name + "]:checked");
    return checked ? checked.value : (form.elements[name] ? form.elements[name].value : "");
  }

  function post() {
    showError("");
    var button = document.getElementById("widget-post");
    button.disabled = true;
    fetch(config.postUrl, {
      method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
        "Authorization": "Bearer " + credential.token, "X-Widget-CSRF": credential.csrf },
      body: JSON.stringify({ type: value("type"), mood: value("mood"), category_id: value("category_id"),
        title: title.value, body: body.value, source_url: page.url, source_title: page.title, draft: config.draft })
    }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    }).then(function (result) {
      button.disabled = false;
      if (result.status === 201) {
        form.hidden = true;
        var done = document.getElementById("widget-done");
        document.getElementById("widget-done-link").href = result.data.url;
        done.hidden = false;
        done.focus();
        return;
      }
      if (result.status === 401) { credential = null; }
      showError(result.status === 401 && inApp ? labels.reopen : (result.data.error || labels.network));
    }).catch(function () { button.disabled = false; showError(labels.network); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (credential) { post(); return; }
    if (inApp) { showError(labels.reopen); return; }  // the app signs in on opening, not through a popup
    pendingPost = true;
    popup = window.open(config.signinUrl, "otklik-widget-signin", "popup,width=480,height=640");
    if (!popup) { pendingPost = false; showError(labels.popup); }
  });
})();
