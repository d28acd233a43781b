/* Paged, sortable, filterable tables over rows embedded as JSON. Cells are set with
   textContent only, so names from the corpus never become markup. */
(function () {
  "use strict";

  function format(value, kind) {
    if (value === null || value === undefined) { return "–"; }
    if (kind === "num" && typeof value === "number" && !Number.isInteger(value)) {
      return (value > 0 ? "+" : "") + value.toFixed(2);
    }
    return String(value);
  }

  function compare(a, b) {
    if (a === b) { return 0; }
    if (a === null || a === undefined) { return 1; }
    if (b === null || b === undefined) { return -1; }
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return String(a).localeCompare(String(b));
  }

  function pagedTable(root) {
    var data = JSON.parse(document.getElementById(root.dataset.source).textContent);
    var pageSize = parseInt(root.dataset.pageSize, 10) || 25;
    var columns = data.columns;
    var rows = data.rows;
    var view = rows;
    var page = 0;
    var sortColumn = -1;
    var sortDirection = 1;

    var filter = root.querySelector("input[type=search]");
    var status = root.querySelector(".status");
    var prev = root.querySelector("button.prev");
    var next = root.querySelector("button.next");
    var table = root.querySelector("table");
    var headRow = table.tHead.rows[0];
    var body = table.tBodies[0];

    columns.forEach(function (column, index) {
      var th = document.createElement("th");
      th.scope = "col";
      th.className = column[1];
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = column[0];
      button.addEventListener("click", function () {
        sortDirection = sortColumn === index ? -sortDirection : (column[1] === "num" ? -1 : 1);
        sortColumn = index;
        Array.prototype.forEach.call(headRow.cells, function (cell) {
          cell.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", sortDirection > 0 ? "ascending" : "descending");
        apply();
      });
      th.appendChild(button);
      headRow.appendChild(th);
    });

    function apply() {
      var needle = filter.value.trim().toLowerCase();
      view = needle ? rows.filter(function (row) {
        return row.some(function (cell) {
          return cell !== null && String(cell).toLowerCase().indexOf(needle) !== -1;
        });
      }) : rows.slice();
      if (sortColumn >= 0) {
        view.sort(function (a, b) { return sortDirection * compare(a[sortColumn], b[sortColumn]); });
      }
      page = 0;
      draw();
    }

    function draw() {
      var pages = Math.max(1, Math.ceil(view.length / pageSize));
      page = Math.min(Math.max(page, 0), pages - 1);
      var start = page * pageSize;
      var slice = view.slice(start, start + pageSize);
      var fragment = document.createDocumentFragment();
      slice.forEach(function (row) {
        var tr = document.createElement("tr");
        row.forEach(function (cell, index) {
          var td = document.createElement("td");
          td.className = columns[index][1];
          td.textContent = format(cell, columns[index][1]);
          tr.appendChild(td);
        });
        fragment.appendChild(tr);
      });
      body.replaceChildren(fragment);
      status.textContent = view.length
        ? "rows " + (start + 1) + "–" + (start + slice.length) + " of " + view.length +
          " · page " + (page + 1) + " of " + pages
        : "no rows";
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }

    filter.addEventListener("input", apply);
    prev.addEventListener("click", function () { page -= 1; draw(); });
    next.addEventListener("click", function () { page += 1; draw(); });
    apply();
  }

  document.querySelectorAll(".paged-table").forEach(pagedTable);
})();
