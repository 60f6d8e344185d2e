// Filter buttons and search boxes. With JS off none of this runs and every row stays visible.
(function () {
  "use strict";
  var bars = document.querySelectorAll(".filters");
  Array.prototype.forEach.call(bars, function (bar) {
    var page = bar.hasAttribute("data-page");
    var scope = page ? document : (bar.closest("section") || document);
    var rows = Array.prototype.slice.call(scope.querySelectorAll(".fr"));
    var buttons = Array.prototype.slice.call(bar.querySelectorAll("button[data-filter]"));
    var input = bar.querySelector("input.search");
    var shown = scope.querySelector(".shown");
    var none = scope.querySelector(".noresults");
    var groups = page ? Array.prototype.slice.call(document.querySelectorAll("section.group")) : [];
    var status = "all";
    function apply() {
      var q = input ? input.value.trim().toLowerCase() : "";
      var n = 0;
      rows.forEach(function (row) {
        var ok = (status === "all" || row.getAttribute("data-status") === status) &&
          (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
        row.hidden = !ok;
        if (ok) { n += 1; }
      });
      groups.forEach(function (g) { g.hidden = !g.querySelector(".fr:not([hidden])"); });
      if (shown) { shown.textContent = (status === "all" && !q) ? "" : "显示 showing " + n + " / " + rows.length; }
      if (none) { none.hidden = n > 0; }
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        status = b.getAttribute("data-filter");
        buttons.forEach(function (o) { o.classList.toggle("active", o === b); o.setAttribute("aria-pressed", o === b ? "true" : "false"); });
        apply();
      });
    });
    if (input) { input.addEventListener("input", apply); }
  });
})();
