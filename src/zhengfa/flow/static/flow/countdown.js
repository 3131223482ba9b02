// Live countdown of each clock on the matter lists: recomputed each second from the due
// instant in the page (data-due). A file, not an inline script, so the CSP allows it.
(function () {
  "use strict";
  function tick() {
    document.querySelectorAll(".countdown").forEach(function (el) {
      var ms = new Date(el.dataset.due) - new Date(), sign = ms < 0 ? "-" : "";
      ms = Math.abs(ms);
      var d = Math.floor(ms / 864e5), h = Math.floor(ms % 864e5 / 36e5),
        m = Math.floor(ms % 36e5 / 6e4), s = Math.floor(ms % 6e4 / 1e3);
      el.textContent = sign + d + "d " + h + "h " + m + "m " + s + "s";
    });
  }
  tick();
  setInterval(tick, 1000);
})();
