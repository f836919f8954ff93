// The ask form: when the category changes, say when its department will answer (texts rendered by the server).
(function () {
  "use strict";
  var note = document.getElementById("ask-expectation");
  var select = document.querySelector("#ask-form [name=category_id]");
  if (!note || !select) { return; }
  var texts = JSON.parse(note.getAttribute("data-by-category") || "{}");
  function update() {
    var text = texts[select.value];
    if (text) { note.textContent = text; }
  }
  select.addEventListener("change", update);
  update();
}());
