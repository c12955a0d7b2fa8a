/* Forms keep what was typed when the server refuses them, and file inputs
   refuse what the server would refuse before a long upload starts.

   1. On submit, each POST form's typed values (not files, passwords or hidden
      fields) are kept in sessionStorage under the form's action. On the next
      page load, if that page shows an error (.alert-danger / .is-invalid) and
      has the same form, empty fields get the typed values back. Every kept
      draft is dropped on that load, so nothing outlives one round trip.
   2. A file input with `accept` and/or `data-max-bytes` checks the chosen
      files at once and blocks the submit with a Chinese message. */
(function () {
  "use strict";
  var PREFIX = "zhigui-draft:";
  var SKIP = ["hidden", "file", "password", "submit", "button", "checkbox", "radio"];

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null;
    }
  }

  function keyOf(form) {
    return PREFIX + (form.action || window.location.pathname);
  }

  function typedFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled) return false;
      if (el.tagName === "TEXTAREA") return true;
      if (el.tagName === "SELECT") return !el.multiple;
      return el.tagName === "INPUT" && SKIP.indexOf(el.type) < 0;
    });
  }

  function restoreDrafts(store) {
    var failed = document.querySelector(".alert-danger, .is-invalid, .errorlist");
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      if (store.key(i).indexOf(PREFIX) === 0) keys.push(store.key(i));
    }
    keys.forEach(function (key) {
      var raw = store.getItem(key);
      store.removeItem(key);
      if (!failed || !raw) return;
      var data = JSON.parse(raw);
      document.querySelectorAll("form").forEach(function (form) {
        if (keyOf(form) !== key) return;
        typedFields(form).forEach(function (el) {
          if (Object.prototype.hasOwnProperty.call(data, el.name) && !el.value) {
            el.value = data[el.name];
          }
        });
      });
    });
  }

  function keepOnSubmit(store) {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if ((form.method || "").toLowerCase() !== "post" || "noKeep" in form.dataset) return;
      var data = {};
      typedFields(form).forEach(function (el) {
        if (el.value) data[el.name] = el.value;
      });
      try {
        store.setItem(keyOf(form), JSON.stringify(data));
      } catch (e) {
        /* storage full or refused: the form still submits */
      }
    });
  }

  function sizeLabel(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(0) + " MB" : (bytes / 1024).toFixed(0) + " KB";
  }

  function checkFiles(input) {
    var accept = (input.getAttribute("accept") || "")
      .split(",")
      .map(function (s) { return s.trim().toLowerCase(); })
      .filter(function (s) { return s.charAt(0) === "."; });
    var max = parseInt(input.dataset.maxBytes || "0", 10);
    var message = "";
    Array.prototype.some.call(input.files || [], function (file) {
      var name = file.name.toLowerCase();
      var dot = name.lastIndexOf(".");
      var ext = dot >= 0 ? name.slice(dot) : "";
      if (accept.length && accept.indexOf(ext) < 0) {
        message = "文件“" + file.name + "”的类型不允许上传，只能上传：" +
          accept.map(function (a) { return a.slice(1); }).join("、") + "。";
      } else if (max && file.size > max) {
        message = "文件“" + file.name + "”超过大小限制（每个文件最大 " + sizeLabel(max) + "）。";
      }
      return !!message;
    });
    input.setCustomValidity(message);
    input.classList.toggle("is-invalid", !!message);
    var feedback = input.parentNode.querySelector(".file-feedback");
    if (!feedback) {
      feedback = document.createElement("div");
      feedback.className = "invalid-feedback file-feedback";
      feedback.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", feedback);
    }
    feedback.textContent = message;
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.tagName === "INPUT" && el.type === "file" && (el.hasAttribute("accept") || el.dataset.maxBytes)) {
      checkFiles(el);
    }
  });

  /* 3. A "全选" checkbox (data-check-all="ids") ticks every `ids` box of its
     form; [data-count-for="ids"] shows how many are ticked. */
  function countTicked(form, name) {
    var boxes = form.querySelectorAll('input[type=checkbox][name="' + name + '"]');
    var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    form.querySelectorAll('[data-count-for="' + name + '"]').forEach(function (el) {
      el.textContent = String(ticked);
    });
    form.querySelectorAll('[data-check-all="' + name + '"]').forEach(function (all) {
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.type !== "checkbox" || !el.form) return;
    var name = el.dataset.checkAll;
    if (name) {
      el.form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (b) {
        b.checked = el.checked;
      });
      countTicked(el.form, name);
    } else if (el.form.querySelector('[data-count-for="' + el.name + '"]')) {
      countTicked(el.form, el.name);
    }
  });

  var store = storage();
  if (store) {
    restoreDrafts(store);
    keepOnSubmit(store);
  }
})();
