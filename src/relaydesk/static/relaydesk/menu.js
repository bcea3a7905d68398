// Folds the main menu behind its Menu button on a narrow screen (the stylesheet hides the menu
// while the button says it is collapsed). The button is `hidden` in the page, so that without
// this script the menu simply stays open.
(function () {
  "use strict";

  var button = document.querySelector(".menu-toggle");
  if (!button) {
    return;
  }
  var menu = document.getElementById(button.getAttribute("aria-controls"));

  function show(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
  // Escape folds an open menu from within and gives the focus back to the button.
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      show(false);
      button.focus();
    }
  });
})();
