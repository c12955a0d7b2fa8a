/* A searchable multi-select over a plain <select multiple data-filterable>.

   Progressive enhancement: without this script the page shows the plain
   select (Ctrl-click), and the form posts the same either way, because the
   select stays in the form and the checkboxes only set its options' `selected`.
   With it, the select is hidden behind a filter box, one checkbox per option
   and a line naming what is chosen. No inline script or style (the CSP). */
(function () {
  "use strict";

  function text(tag, cls, content) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (content) el.textContent = content;
    return el;
  }

  function enhance(select) {
    if (select.getAttribute("data-enhanced")) return;
    select.setAttribute("data-enhanced", "1");
    var label = select.getAttribute("data-filterable") || "选项";
    var box = text("div", "zhigui-multiselect border rounded p-2");
    var filter = text("input", "form-control form-control-sm mb-2");
    filter.type = "search";
    filter.placeholder = "输入名称筛选" + label;
    filter.setAttribute("aria-label", "筛选" + label);
    var summary = text("div", "small text-muted mb-1 zhigui-multiselect-summary");
    summary.setAttribute("aria-live", "polite");
    var list = text("div", "zhigui-multiselect-list");
    list.setAttribute("role", "group");
    list.setAttribute("aria-label", label);
    var empty = text("div", "small text-muted d-none", "没有匹配的" + label + "。");
    var boxes = [];

    Array.prototype.forEach.call(select.options, function (option, index) {
      var id = (select.id || select.name) + "-opt-" + index;
      var row = text("div", "form-check");
      var input = text("input", "form-check-input");
      input.type = "checkbox";
      input.id = id;
      input.checked = option.selected;
      input.disabled = option.disabled;
      input.addEventListener("change", function () {
        option.selected = input.checked;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
      var name = text("label", "form-check-label", option.textContent);
      name.htmlFor = id;
      row.appendChild(input);
      row.appendChild(name);
      list.appendChild(row);
      boxes.push({ row: row, input: input, option: option, key: option.textContent.toLowerCase() });
    });

    function refresh() {
      var chosen = boxes.filter(function (b) {
        b.input.checked = b.option.selected;
        return b.option.selected;
      });
      summary.textContent = chosen.length
        ? "已选 " + chosen.length + " 个：" + chosen.map(function (b) { return b.option.textContent; }).join("、")
        : "未选择" + label;
    }

    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      var shown = 0;
      boxes.forEach(function (b) {
        var match = !q || b.key.indexOf(q) !== -1;
        b.row.classList.toggle("d-none", !match);
        if (match) shown += 1;
      });
      empty.classList.toggle("d-none", shown > 0);
    });
    // Enter in the filter box must not submit the form.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    select.addEventListener("change", refresh);

    box.appendChild(filter);
    box.appendChild(summary);
    box.appendChild(list);
    box.appendChild(empty);
    select.classList.add("d-none");
    select.setAttribute("aria-hidden", "true");
    select.setAttribute("tabindex", "-1");
    select.parentNode.insertBefore(box, select.nextSibling);
    refresh();
  }

  function enhanceAll() {
    document.querySelectorAll(
      "select[multiple][data-filterable]:not([data-typeahead])"
    ).forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
