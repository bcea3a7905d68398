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

  // The server's words (core/durations.py working_time_text): "2 h 15 min", "45 min" within a
  // working day of the service's calendar, "1 working day 3 h", "4 working days" beyond; time
  // left is rounded up, so that a running clock never claims none is left, and time overdue down.
  function duration(seconds, up, day) {
    seconds = Math.max(seconds, 0);
    if (seconds < 60 && !up) {
      return "under a minute";
    }
    if (day <= 0 || seconds < day) {
      var minutes = up ? Math.max(Math.ceil(seconds / 60), 1) : Math.floor(seconds / 60);
      var hours = Math.floor(minutes / 60);
      var rest = minutes % 60;
      if (!hours) {
        return rest + " min";
      }
      return rest ? hours + " h " + rest + " min" : hours + " h";
    }
    var days = Math.floor(seconds / day);
    var left = seconds - days * day;
    var dayHours = 0;
    if (days >= 5) {
      days += up && left ? 1 : 0;
    } else {
      dayHours = up ? Math.ceil(left / 3600) : Math.floor(left / 3600);
      if (dayHours * 3600 >= day) {
        days += 1;
        dayHours = 0;
      }
    }
    var text = days + (days === 1 ? " working day" : " working days");
    return dayHours ? text + " " + dayHours + " h" : text;
  }

  function tick() {
    var elapsed = (Date.now() - loaded) / 1000;
    clocks.forEach(function (clock) {
      var spent = Math.min(elapsed, Number(clock.dataset.openFor));
      var left = Number(clock.dataset.left) - spent;
      var day = Number(clock.dataset.workingDay) || 0;
      clock.textContent = left > 0
        ? duration(left, true, day) + " left (business time)"
        : "overdue by " + duration(-left, false, day) + " (business time)";
      if (left <= 0 && clock.parentElement) {
        clock.parentElement.classList.add("clock-late");
      }
    });
  }

  window.setInterval(tick, 15000);
})();
