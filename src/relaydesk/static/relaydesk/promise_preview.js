// Keeps the request form's "you will hear back by …" line in step with the priority chosen.
// The server renders each priority's due times; without this script the line shows the one
// chosen when the page loaded.
(function () {
  "use strict";

  var line = document.getElementById("promise-preview");
  if (!line) {
    return;
  }
  var previews = {};
  document.querySelectorAll("#promise-previews li").forEach(function (each) {
    previews[each.dataset.priority] = each.dataset;
  });
  document.querySelectorAll('input[name="priority"]').forEach(function (choice) {
    choice.addEventListener("change", function () {
      var preview = previews[choice.value];
      if (preview) {
        line.querySelector("[data-answer-by]").textContent = preview.answerBy;
        line.querySelector("[data-done-by]").textContent = preview.doneBy;
      }
    });
  });
})();
