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
  function echoThaiDate(input) {
    var out = document.createElement("span");
    out.className = "be-date muted";
    out.setAttribute("data-testid", "be-date");
    input.insertAdjacentElement("afterend", out);
    function show() {
      var value = input.value;
      if (!value) { out.textContent = ""; return; }
      var withTime = input.type === "datetime-local";
      var when = new Date(withTime ? value : value + "T12:00");
      if (isNaN(when.getTime())) { out.textContent = ""; return; }
      var options = { calendar: "buddhist", day: "numeric", month: "long", year: "numeric" };
      var text = when.toLocaleDateString("th-TH-u-ca-buddhist", options);
      if (withTime) {
        text += " เวลา " + String(when.getHours()).padStart(2, "0") + "." + String(when.getMinutes()).padStart(2, "0") + " น.";
      }
      out.textContent = "= " + text;
    }
    input.addEventListener("input", show);
    input.addEventListener("change", show);
    show();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-preview]").forEach(wire);
    // Date pickers show the browser's own (Gregorian) calendar: echo the choice as a Thai B.E. date beside it.
    document.querySelectorAll("input[type=date], input[type=datetime-local]").forEach(echoThaiDate);
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("submit", function (e) { if (!window.confirm(el.dataset.confirm)) e.preventDefault(); });
    });
  });
})();
