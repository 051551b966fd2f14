// Sorting the overview tables by a column: each column header becomes a button; the rows of that
// table are ordered by the cell's data-sort value (a number) or else its text. Without scripts the
// tables read in the portal's order; nothing else depends on this file.
(function () {
  "use strict";
  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw !== null) {
      var n = parseFloat(raw);
      if (!isNaN(n)) return { num: n };
    }
    return { text: cell.textContent.trim(), missing: raw === null && cell.classList.contains("num") };
  }
  function compare(a, b) {
    if (a.num !== undefined && b.num !== undefined) return a.num - b.num;
    if (a.num !== undefined) return -1;
    if (b.num !== undefined) return 1;
    return a.text.localeCompare(b.text, "zh-CN");
  }
  function setUp(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var keyed = rows.map(function (row, i) { return { row: row, key: key(row.cells[column]), i: i }; });
        // A cell with no figure (「—」) stays last in either direction.
        keyed.sort(function (a, b) {
          if (!a.key.missing !== !b.key.missing) return a.key.missing ? 1 : -1;
          var c = compare(a.key, b.key);
          return (ascending ? c : -c) || a.i - b.i;
        });
        keyed.forEach(function (k) { body.appendChild(k.row); });
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), setUp);
})();
