// Runs static/js/ask.js in node against a minimal stand-in for the ask form's DOM (no browser needed) and prints,
// as JSON, what a test needs: the draft id the form got, what the script stored, and the events it reported.
// Usage: node ask_draft_harness.js <path to ask.js> <JSON scenario>
//   scenario: {"storage": {...sessionStorage...}, "search": "?resume=1", "title": "", "draftValue": "",
//              "keepDraftOnSubmit": false, "actions": ["typeTitle", "submit"]}
"use strict";
const fs = require("fs");
const vm = require("vm");

const [scriptPath, scenarioJson] = process.argv.slice(2);
const scenario = JSON.parse(scenarioJson || "{}");
const store = Object.assign({}, scenario.storage || {});
const reported = [];
const listeners = {};

function element(name, value, extra) {
  const el = Object.assign({ name: name, value: value || "", type: "text", tagName: "INPUT", hidden: false,
    checked: false, dataset: {}, attributes: {}, textContent: "" }, extra || {});
  el.addEventListener = function (type, fn) { (listeners[name + ":" + type] = listeners[name + ":" + type] || []).push(fn); };
  el.querySelector = function () { return element("child"); };
  el.hasAttribute = function (attr) { return Object.prototype.hasOwnProperty.call(el.attributes, attr); };
  el.getAttribute = function (attr) { return el.attributes[attr]; };
  el.focus = function () {};
  el.appendChild = function () {};
  return el;
}

const fields = {
  title: element("title", scenario.title || ""),
  body: element("body", "", { tagName: "TEXTAREA" }),
  draft_id: element("draft_id", scenario.draftValue || "", { type: "hidden" }),
  confirmed: element("confirmed", "", { type: "hidden" }),
  csrf_token: element("csrf_token", "token", { type: "hidden" }),
};
const form = element("form", "", { elements: Object.values(fields), dataset: { eventsUrl: "/api/v1/events", suggestUrl: "/api/v1/suggest" } });
if (scenario.keepDraftOnSubmit) { form.attributes["data-keep-draft-on-submit"] = ""; }
form.querySelector = function (selector) {
  const match = /\[name=([a-z_]+)\]/.exec(selector);
  return match ? fields[match[1]] : null;
};
form.querySelectorAll = function (selector) {
  const match = /\[name='([a-z_]+)'\]/.exec(selector);
  return match && fields[match[1]] ? [fields[match[1]]] : [];
};
const byId = {
  "ask-form": form,
  "suggestions": element("suggestions"),
  "suggestion-template": element("template", "", { content: { firstElementChild: element("item") } }),
  "ask-labels": element("labels", "", { textContent: JSON.stringify({ types: {}, statuses: {} }) }),
  "suggestions-dismiss": element("dismiss"),
};
const context = {
  document: {
    getElementById: function (id) { return byId[id] || null; },
    querySelector: function () { return element("meta", "", { attributes: { content: "csrf" } }); },
  },
  window: {
    location: { search: scenario.search || "" },
    sessionStorage: {
      getItem: function (k) { return Object.prototype.hasOwnProperty.call(store, k) ? store[k] : null; },
      setItem: function (k, v) { store[k] = String(v); },
      removeItem: function (k) { delete store[k]; },
    },
    crypto: require("crypto").webcrypto,
    setTimeout: function (fn) { fn(); return 1; },
    clearTimeout: function () {},
  },
  fetch: function (url, options) {
    if (options && options.body) { reported.push(JSON.parse(options.body)); }
    return Promise.resolve({ ok: true, json: function () { return Promise.resolve([]); } });
  },
  JSON: JSON, Array: Array, Object: Object, Uint8Array: Uint8Array, Boolean: Boolean, encodeURIComponent: encodeURIComponent,
};
vm.createContext(context);
vm.runInContext(fs.readFileSync(scriptPath, "utf8"), context);

function fire(name, type) { (listeners[name + ":" + type] || []).forEach(function (fn) { fn({}); }); }
(scenario.actions || []).forEach(function (action) {
  if (action === "typeTitle") { fields.title.value = "Card blocked after three PIN errors"; fire("title", "input"); }
  if (action === "submit") { fire("form", "submit"); }
});
setTimeout(function () {
  process.stdout.write(JSON.stringify({ draft: fields.draft_id.value, title: fields.title.value, storage: store, reported: reported }));
}, 10);
