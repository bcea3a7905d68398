// Counts a request's running clocks down while their calendar is open. The server renders the
// business seconds left and for how long the calendar stays open from then; past that, the
// count stands still until the page is loaded again. Without this script the page says the same,
// as of when it was loaded.
(function () {
  "use strict";

  var clocks = document.querySelectorAll("[data-countdown]");
  if (!clocks.length) {
    return;
  }
  var loaded = Date.now();

  // The server's words: "2 h 15 min", "45 min", "3 h"; time left is rounded up, so that a
  // running clock never claims none is left, and time overdue down.
  function duration(seconds, up) {
    var minutes = up ? Math.max(Math.ceil(seconds / 60), 1) : Math.floor(seconds / 60);
    if (!minutes) {
      return "under a minute";
    }
    var hours = Math.floor(minutes / 60);
    var rest = minutes % 60;
    if (!hours) {
      return rest + " min";
    }
    return rest ? hours + " h " + rest + " min" : hours + " h";
  }

  function tick() {
    var elapsed = (Date.now() - loaded) / 1000;
    clocks.forEach(function (clock) {
      var spent = Math.min(elapsed, Number(clock.dataset.openFor));
      var left = Number(clock.dataset.left) - spent;
      clock.textContent = left > 0
        ? duration(left, true) + " left (business time)"
        : "overdue by " + duration(-left, false) + " (business time)";
      if (left <= 0 && clock.parentElement) {
        clock.parentElement.classList.add("clock-late");
      }
    });
  }

  window.setInterval(tick, 15000);
})();
