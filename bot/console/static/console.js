// Live previews: a form with data-preview asks the server (the domain's own text builders) for the exact
// LINE messages the form would send, and shows them. Everything else works without JavaScript.
(function () {
  "use strict";
  function wire(form) {
    var target = document.getElementById(form.dataset.previewTarget || "preview");
    if (!target) return;
    var timer = null, seq = 0;
    function refresh() {
      var data = new FormData(form), params = new URLSearchParams();
      data.forEach(function (value, key) { if (key !== "csrf_token" && typeof value === "string") params.append(key, value); });
      var mine = ++seq;
      fetch(form.dataset.preview + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) { if (mine === seq) target.innerHTML = html; })
        .catch(function () {});
    }
    function later() { clearTimeout(timer); timer = setTimeout(refresh, 250); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    refresh();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-preview]").forEach(wire);
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("submit", function (e) { if (!window.confirm(el.dataset.confirm)) e.preventDefault(); });
    });
  });
})();
