// govrrpd console: applies the server's diffs to the cells on this page
// (data-id + data-f), so a 4,000-instance daemon costs a page's worth of
// lookups per second, never a redraw.
"use strict";
(function () {
  if (!window.EventSource) return;
  var live = document.getElementById("live");
  var es = new EventSource("/ui/events");
  es.onopen = function () { if (live) live.className = "up"; };
  es.onerror = function () { if (live) live.className = "down"; };
  es.addEventListener("diff", function (ev) {
    var d = JSON.parse(ev.data);
    document.querySelectorAll("[data-id]").forEach(function (el) {
      var r = d[el.getAttribute("data-id")];
      if (!r) return;
      var v = r[el.getAttribute("data-f")];
      if (v !== undefined && el.textContent !== v) {
        el.textContent = el.getAttribute("data-f") === "hash" ? v.slice(0, 12) : v;
        el.classList.add("changed");
      }
    });
  });
})();
