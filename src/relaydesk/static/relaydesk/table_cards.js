// Names each data cell after its column, so that on a phone the stylesheet can show a table's
// rows as cards with the column's heading beside every value (`td::before { content:
// attr(data-label) }`). One script instead of a label on every cell of every template keeps the
// labels and the headings from drifting apart. Tables marked `matrix` are read across and down
// and keep their grid; so does a table whose headings take more than one row. Without this
// script a table stays a table and scrolls sideways inside its box.
(function () {
  "use strict";

  // The heading as seen: words only there for screen readers ("Actions") label nothing.
  function heading(th) {
    var copy = th.cloneNode(true);
    copy.querySelectorAll(".visually-hidden").forEach(function (hidden) {
      hidden.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  document.querySelectorAll("table:not(.matrix)").forEach(function (table) {
    var head = table.tHead;
    if (!head || head.rows.length !== 1) {
      return;
    }
    var labels = [];
    Array.prototype.forEach.call(head.rows[0].cells, function (th) {
      for (var span = 0; span < th.colSpan; span += 1) {
        labels.push(heading(th));
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          // A cell across several columns ("None used yet.") belongs to none of them.
          if (cell.tagName === "TD" && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", labels[column] || "");
          }
          column += cell.colSpan;
        });
      });
    });
    table.setAttribute("data-cards", "");
  });
})();
