/* Department pickers for long lists (config.widgets.DepartmentSelect).

   A <select data-typeahead="URL"> carries only its chosen options; this puts a
   search box before it. Typing asks URL?q=... (JSON {results: [{id, name,
   code}]}) and lists the matches; a pick adds the option to the select and
   selects it, so the form posts ids as before. A multiple select shows its
   picks as removable badges. No inline script (the CSP forbids it). */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function setup(select) {
    var url = select.getAttribute("data-typeahead");
    var wrap = el("div", "position-relative zhigui-typeahead");
    var input = el("input", "form-control");
    input.type = "search";
    input.placeholder = "输入单位名称或代码搜索";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-label", "搜索单位");
    var list = el("div", "list-group position-absolute w-100 shadow-sm");
    list.style.zIndex = "1000";
    list.hidden = true;
    var chosen = el("div", "d-flex flex-wrap gap-1 mt-1");
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(chosen);
    select.hidden = true;
    if (!select.multiple) {
      var current = select.options[select.selectedIndex];
      if (current && current.value) input.value = current.textContent;
    }

    function option(id) {
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === String(id)) return select.options[i];
      }
      return null;
    }

    function drawChosen() {
      if (!select.multiple) return;
      chosen.textContent = "";
      Array.prototype.forEach.call(select.options, function (opt) {
        if (!opt.selected || !opt.value) return;
        var badge = el("span", "badge text-bg-secondary", opt.textContent + " ");
        var remove = el("button", "btn-close btn-close-white btn-sm");
        remove.type = "button";
        remove.setAttribute("aria-label", "移除" + opt.textContent);
        remove.addEventListener("click", function () {
          opt.selected = false;
          drawChosen();
        });
        badge.appendChild(remove);
        chosen.appendChild(badge);
      });
    }

    function pick(item) {
      var opt = option(item.id);
      if (!opt) {
        opt = new Option(item.name, item.id);
        select.appendChild(opt);
      }
      if (select.multiple) {
        opt.selected = true;
        input.value = "";
      } else {
        select.value = String(item.id);
        input.value = item.name;
      }
      list.hidden = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      drawChosen();
    }

    function show(results) {
      list.textContent = "";
      if (!results.length) {
        list.appendChild(el("div", "list-group-item text-muted", "没有匹配的单位"));
      }
      results.forEach(function (item) {
        var row = el("button", "list-group-item list-group-item-action");
        row.type = "button";
        row.textContent = item.name + "（" + item.code + "）";
        row.addEventListener("click", function () {
          pick(item);
        });
        list.appendChild(row);
      });
      list.hidden = false;
    }

    var timer = null;
    var asked = 0;
    input.addEventListener("input", function () {
      if (!select.multiple && !input.value) select.value = "";
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) {
        list.hidden = true;
        return;
      }
      timer = setTimeout(function () {
        var ticket = ++asked;
        fetch(url + "?q=" + encodeURIComponent(q), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            if (ticket === asked) show(data.results || []);
          })
          .catch(function () {
            list.hidden = true;
          });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") list.hidden = true;
      if (event.key === "Enter" && !list.hidden) {
        event.preventDefault();
        var first = list.querySelector("button");
        if (first) first.click();
      }
    });
    document.addEventListener("click", function (event) {
      if (!wrap.contains(event.target)) list.hidden = true;
    });
    drawChosen();
  }

  function init(root) {
    var selects = (root || document).querySelectorAll("select[data-typeahead]");
    Array.prototype.forEach.call(selects, function (select) {
      if (select.getAttribute("data-typeahead-ready")) return;
      select.setAttribute("data-typeahead-ready", "1");
      setup(select);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    init(event.target);
  });
})();
