// Images in the editor: every <textarea data-upload-url="..."> accepts pasted and dropped images (and has an
// "Add image" button). Each image is uploaded as it arrives; a placeholder line marks the cursor position
// while it uploads and is replaced by the Markdown the server returns, or removed when it refuses the file.
(function () {
  "use strict";
  var labelsNode = document.getElementById("upload-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var csrfMeta = document.querySelector("meta[name=csrf-token]");
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var counter = 0;

  function label(key, fallback) { return labels[key] || fallback; }

  function imageFiles(list) {
    return Array.prototype.filter.call(list || [], function (file) {
      return file && file.type && file.type.indexOf("image/") === 0;
    });
  }

  function statusFor(textarea) {
    return textarea.uploadTools.querySelector(".upload-status");
  }

  function showStatus(textarea, text, isError) {
    var box = statusFor(textarea);
    box.textContent = text;
    box.classList.toggle("error", Boolean(isError));
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    var before = value.slice(0, start), after = value.slice(end);
    var prefix = before && !/\n$/.test(before) ? "\n" : "";
    var suffix = after && !/^\n/.test(after) ? "\n" : "";
    textarea.value = before + prefix + text + suffix + after;
    var caret = (before + prefix + text).length;
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    return prefix + text + suffix;
  }

  // Put `text` where `placeholder` is (the user may have typed around it meanwhile); with no text, take out
  // everything the placeholder brought, line breaks included.
  function replacePlaceholder(textarea, placeholder, inserted, text) {
    var value = textarea.value;
    var target = text || value.indexOf(inserted) === -1 ? placeholder : inserted;
    var at = value.indexOf(target);
    if (at === -1) {
      if (text) { insertAtCursor(textarea, text); }
      return;
    }
    textarea.value = value.slice(0, at) + text + value.slice(at + target.length);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function upload(textarea, file) {
    counter += 1;
    var placeholder = "![" + label("uploading", "Uploading…") + " " + counter + "]()";
    var inserted = insertAtCursor(textarea, placeholder);
    var data = new FormData();
    data.append("file", file, file.name || "image");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", textarea.getAttribute("data-upload-url"));
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        showStatus(textarea, label("progress", "Uploading the image…") + " " +
          Math.round(100 * event.loaded / event.total) + "%");
      }
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status >= 200 && xhr.status < 300 && body && body.markdown) {
        replacePlaceholder(textarea, placeholder, inserted, body.markdown);
        showStatus(textarea, label("done", "The image is added."));
      } else {
        replacePlaceholder(textarea, placeholder, inserted, "");
        showStatus(textarea, (body && body.error) || label("failed", "The image could not be uploaded."), true);
      }
    });
    xhr.addEventListener("error", function () {
      replacePlaceholder(textarea, placeholder, inserted, "");
      showStatus(textarea, label("failed", "The image could not be uploaded."), true);
    });
    xhr.send(data);
  }

  // Below the textarea: an "Add image" button (with its hidden file input) and a line for progress and errors.
  function addTools(textarea) {
    var tools = document.createElement("div");
    tools.className = "upload-tools";
    var input = document.createElement("input");
    input.type = "file";
    input.accept = "image/jpeg,image/png,image/gif,image/webp";
    input.multiple = true;
    input.hidden = true;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link upload-button";
    button.textContent = label("add", "Add image");
    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, function (file) { upload(textarea, file); });
      input.value = "";
    });
    var status = document.createElement("span");
    status.className = "upload-status hint";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    tools.appendChild(button);
    tools.appendChild(input);
    tools.appendChild(status);
    textarea.parentNode.insertBefore(tools, textarea.nextSibling);
    textarea.uploadTools = tools;
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-upload-url]"), function (textarea) {
    textarea.addEventListener("paste", function (event) {
      var files = imageFiles(event.clipboardData && event.clipboardData.files);
      if (!files.length) { return; }  // plain text: the browser pastes it
      event.preventDefault();
      files.forEach(function (file) { upload(textarea, file); });
    });
    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        textarea.classList.add("drop-target");
      }
    });
    textarea.addEventListener("dragleave", function () { textarea.classList.remove("drop-target"); });
    textarea.addEventListener("drop", function (event) {
      textarea.classList.remove("drop-target");
      var files = imageFiles(event.dataTransfer && event.dataTransfer.files);
      if (!files.length) { return; }
      event.preventDefault();
      textarea.focus();
      files.forEach(function (file) { upload(textarea, file); });
    });
    addTools(textarea);
  });
})();
