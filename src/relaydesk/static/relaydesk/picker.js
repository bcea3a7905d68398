// The pickers of relaydesk/widgets.py. A pick list gets a box that filters its checkboxes as
// one types (ticked ones stay in sight). A chooser's text box becomes a type-ahead: what one
// types is looked up at the widget's source, a suggestion picked becomes a removable chip, and
// the original box, now hidden, holds the chips' keys, commas between, as the server reads it.
// Without this script both work as plain checkboxes and a plain text box.
(function () {
  "use strict";

  var WAIT_MS = 150; // typing pauses this long before suggestions are fetched

  function pickList(root) {
    var filter = root.querySelector(".pick-list-filter");
    var none = root.querySelector(".pick-list-none");
    var items = Array.prototype.slice.call(root.querySelectorAll(".pick-list-options li"));
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var wanted = filter.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) {
        var box = item.querySelector("input");
        var match = !wanted || (box && box.checked) ||
          item.textContent.toLowerCase().indexOf(wanted) !== -1;
        item.hidden = !match;
        shown += match ? 1 : 0;
      });
      none.hidden = shown > 0;
    });
    // Enter in the filter would send the whole form.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }

  function chooser(root) {
    var store = root.querySelector("input");
    var single = root.hasAttribute("data-single");
    var chosen = Array.prototype.map.call(
      root.querySelectorAll("[data-chosen] li"),
      function (item) {
        return {key: item.dataset.key, label: item.textContent, missing: item.hasAttribute("data-missing")};
      }
    );
    var chips = document.createElement("ul");
    chips.className = "chips";
    var box = document.createElement("input");
    box.type = "text";
    box.id = store.id + "_typed";
    box.autocomplete = "off";
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    if (store.hasAttribute("aria-describedby")) {
      box.setAttribute("aria-describedby", store.getAttribute("aria-describedby"));
    }
    if (store.hasAttribute("aria-invalid")) {
      box.setAttribute("aria-invalid", store.getAttribute("aria-invalid"));
    }
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.id = store.id + "_suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.setAttribute("aria-controls", list.id);
    var label = document.querySelector('label[for="' + store.id + '"]');
    if (label) {
      label.htmlFor = box.id;
      list.setAttribute("aria-label", "Suggestions for " + label.textContent.replace(/:$/, ""));
    }
    store.hidden = true;
    root.append(chips, box, list);

    var suggested = [];
    var active = -1;
    var asked = 0;
    var timer = null;

    function save() {
      store.value = chosen.map(function (one) { return one.key; }).join(", ");
    }

    function drawChips() {
      chips.replaceChildren.apply(chips, chosen.map(function (one, index) {
        var chip = document.createElement("li");
        chip.className = one.missing ? "chip missing" : "chip";
        chip.append(one.label);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + one.label);
        remove.addEventListener("click", function () {
          chosen.splice(index, 1);
          save();
          drawChips();
          box.focus();
        });
        chip.append(remove);
        return chip;
      }));
    }

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, at) {
        option.setAttribute("aria-selected", at === index ? "true" : "false");
      });
      if (index >= 0) {
        box.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({block: "nearest"});
      }
    }

    function pick(suggestion) {
      var one = {key: suggestion.key, label: suggestion.label, missing: false};
      if (single) {
        chosen = [one];
      } else if (!chosen.some(function (each) { return each.key === one.key; })) {
        chosen.push(one);
      }
      save();
      drawChips();
      box.value = "";
      close();
      box.focus();
    }

    function show(results) {
      suggested = results.filter(function (result) {
        return !chosen.some(function (each) { return each.key === result.key; });
      });
      list.replaceChildren.apply(list, suggested.map(function (result, index) {
        var option = document.createElement("li");
        option.id = list.id + "_" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.append(result.label);
        if (result.detail) {
          var detail = document.createElement("small");
          detail.textContent = result.detail;
          option.append(detail);
        }
        // Picked on mousedown, before the box loses focus and closes the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(result);
        });
        return option;
      }));
      if (suggested.length) {
        list.hidden = false;
        box.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
    }

    function suggest() {
      var typed = box.value.trim();
      var ask = ++asked;
      if (!typed) {
        show([]);
        return;
      }
      var url = new URL(root.dataset.source, window.location.href);
      url.searchParams.set("q", typed);
      fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (answer) {
          if (ask === asked) { // a later keystroke's answer wins
            show(answer.results || []);
          }
        })
        .catch(function () { close(); });
    }

    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, WAIT_MS);
    });
    box.addEventListener("keydown", function (event) {
      var open = !list.hidden && suggested.length > 0;
      if (event.key === "ArrowDown" && open) {
        event.preventDefault();
        highlight((active + 1) % suggested.length);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? suggested.length - 1 : active - 1);
      } else if (event.key === "Enter" && open) {
        event.preventDefault();
        pick(suggested[active < 0 ? 0 : active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      } else if (event.key === "Backspace" && !box.value && chosen.length) {
        chosen.pop();
        save();
        drawChips();
      }
    });
    box.addEventListener("blur", close);
    // What is typed but not picked still goes to the server, which says if it names nothing.
    if (store.form) {
      store.form.addEventListener("submit", function () {
        var typed = box.value.trim();
        if (typed) {
          store.value = single ? typed : chosen.map(function (one) { return one.key; })
            .concat([typed]).join(", ");
        }
      });
    }
    drawChips();
  }

  document.querySelectorAll("[data-pick-list]").forEach(pickList);
  document.querySelectorAll("[data-chooser]").forEach(chooser);
})();
