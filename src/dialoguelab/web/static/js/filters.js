/* Filter forms: fields left empty are not sent (the server also reads an empty value as "any"). */
"use strict";
(function () {
  Array.prototype.forEach.call(document.querySelectorAll("form.filters"), function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (f) { if (f.name && !f.value) { f.disabled = true; } });
    });
  });
})();
