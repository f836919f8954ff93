// Small behaviours declared in the markup instead of inline handlers (the Content-Security-Policy allows no
// inline script): <form data-confirm="Delete this topic?"> asks before submitting; <select data-autosubmit>
// submits its form when changed.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
