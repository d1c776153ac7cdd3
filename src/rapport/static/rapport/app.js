/* Rapport's few behaviours that need script: search palette, save state, toasts, bulk select,
 * menus. Everything else is plain HTML and htmx. No inline handlers: the CSP forbids them. */
(function () {
  "use strict";

  // --- Toasts ---------------------------------------------------------------------------------
  function toast(message, kind) {
    var region = document.getElementById("flash");
    if (!region || !message) return;
    var box = document.createElement("div");
    box.className = "flash flash-" + (kind || "info");
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "icon-button";
    close.setAttribute("data-dismiss", "");
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "\u00d7";
    box.appendChild(close);
    region.appendChild(box);
    if (kind !== "error") setTimeout(function () { box.remove(); }, 6000);
  }
  window.rapportToast = toast;

  // --- Save state: "Saving…", "Saved", or the error, for every write htmx sends -----------------
  var saveState = null;
  var savedTimer = null;
  function setSaveState(text, cls) {
    saveState = saveState || document.getElementById("save-state");
    if (!saveState) return;
    saveState.textContent = text;
    saveState.className = "save-state" + (cls ? " " + cls : "");
    clearTimeout(savedTimer);
    if (cls === "is-saved") savedTimer = setTimeout(function () { setSaveState("", ""); }, 3000);
  }
  function isWrite(detail) {
    // A POST that only reads (an email template's preview) sits in a [data-no-save-state].
    if (detail.elt && detail.elt.closest && detail.elt.closest("[data-no-save-state]")) return false;
    var verb = (detail.requestConfig && detail.requestConfig.verb) || "get";
    return verb.toLowerCase() !== "get";
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (isWrite(e.detail)) setSaveState("Saving\u2026", "is-saving");
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (!isWrite(e.detail)) return;
    var status = e.detail.xhr ? e.detail.xhr.status : 0;
    // 422 (the form came back with messages in place) and 409 (a conflict to resolve) are shown
    // by the swapped form itself.
    if (e.detail.successful) setSaveState("Saved", "is-saved");
    else if (status === 422 || status === 409) setSaveState("Not saved", "is-error");
    else setSaveState("Error: not saved", "is-error");
  });
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    var type = (xhr.getResponseHeader("Content-Type") || "");
    var text = type.indexOf("text/plain") === 0 ? xhr.responseText : "Something went wrong (" + xhr.status + ").";
    toast(text, "error");
  });
  document.addEventListener("htmx:sendError", function () {
    setSaveState("Offline: not saved", "is-error");
    toast("The server could not be reached. Nothing was saved.", "error");
  });
  // Forms that answer 422 or 409 with the form and its messages are swapped like a success.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if (status === 422 || status === 409) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  // --- Search palette: Ctrl-K / Cmd-K, arrows, Enter -----------------------------------------
  function searchDialog() { return document.getElementById("search-dialog"); }
  function openSearch() {
    var dialog = searchDialog();
    if (!dialog || dialog.open) return;
    dialog.showModal();
    var input = document.getElementById("search-input");
    if (input) { input.select(); input.focus(); }
  }
  function hits() {
    return Array.prototype.slice.call(document.querySelectorAll("#search-results .search-hit"));
  }
  function moveSelection(step) {
    var list = hits();
    if (!list.length) return;
    var index = list.findIndex(function (a) { return a.getAttribute("aria-selected") === "true"; });
    var next = index < 0 ? (step > 0 ? 0 : list.length - 1) : (index + step + list.length) % list.length;
    list.forEach(function (a, i) { a.setAttribute("aria-selected", i === next ? "true" : "false"); });
    list[next].scrollIntoView({ block: "nearest" });
    var input = document.getElementById("search-input");
    if (input) input.setAttribute("aria-activedescendant", list[next].id);
  }
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === "k" || e.key === "K")) {
      e.preventDefault();
      openSearch();
      return;
    }
    var dialog = searchDialog();
    if (!dialog || !dialog.open) return;
    if (e.key === "ArrowDown") { e.preventDefault(); moveSelection(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); moveSelection(-1); }
    else if (e.key === "Enter" && e.target.id === "search-input") {
      var list = hits();
      var chosen = list.find(function (a) { return a.getAttribute("aria-selected") === "true"; }) || list[0];
      if (chosen) { e.preventDefault(); window.location.assign(chosen.href); }
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target.id === "search-results") {
      var first = hits()[0];
      if (first) first.setAttribute("aria-selected", "true");
    }
  });

  // --- Clicks: menus, sidebar, dismiss, confirm, search trigger ------------------------------
  document.addEventListener("click", function (e) {
    var target = e.target.closest ? e.target : e.target.parentElement;
    if (!target) return;
    if (target.closest("[data-open-search]")) { openSearch(); return; }
    var toggle = target.closest("[data-toggle='sidebar']");
    if (toggle) { document.getElementById("sidebar").classList.toggle("is-open"); return; }
    var dismiss = target.closest("[data-dismiss]");
    if (dismiss) { dismiss.parentElement.remove(); return; }
    var dialog = searchDialog();
    if (dialog && dialog.open && target === dialog) { dialog.close(); return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("submit", function (e) {
    var submitter = e.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) e.preventDefault();
  });

  // --- Tabs that load their panel with htmx: keep aria-selected and the panel's label right ----
  document.addEventListener("click", function (e) {
    var tab = e.target.closest ? e.target.closest("[data-tab]") : null;
    if (!tab) return;
    tab.parentElement.querySelectorAll("[data-tab]").forEach(function (t) {
      t.setAttribute("aria-selected", t === tab ? "true" : "false");
    });
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    if (panel) panel.setAttribute("aria-labelledby", tab.id);
  });

  // --- In-place edits: Escape cancels ---------------------------------------------------------
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var form = e.target.closest ? e.target.closest(".inline-edit") : null;
    var cancel = form && form.querySelector("[data-cancel]");
    if (cancel) { e.preventDefault(); cancel.click(); }
  });

  // --- Bulk selection on lists ---------------------------------------------------------------
  function updateBulk(form) {
    var boxes = form.querySelectorAll("input[name='ids']");
    var chosen = 0;
    boxes.forEach(function (box) {
      if (box.checked) chosen += 1;
      var row = box.closest("tr");
      if (row) row.classList.toggle("is-selected", box.checked);
    });
    form.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = String(chosen); });
    form.querySelectorAll("[data-needs-selection]").forEach(function (el) { el.hidden = chosen === 0; });
    var all = form.querySelector("[data-select-all]");
    if (all) {
      all.checked = chosen > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
  }
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (!form) return;
    if (e.target.hasAttribute("data-select-all")) {
      form.querySelectorAll("input[name='ids']").forEach(function (box) { box.checked = e.target.checked; });
    }
    if (e.target.name === "ids" || e.target.hasAttribute("data-select-all")) updateBulk(form);
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    var form = e.target.closest ? e.target.closest("form[data-bulk]") : null;
    if (form) updateBulk(form);
    if (window.location.hash === "" && e.target.querySelector) {
      var focus = e.target.querySelector("[autofocus]");
      if (focus) focus.focus();
    }
  });
  // --- Copy buttons: data-copy="<id of a readonly input>" (a new API token) --------------------
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-copy]") : null;
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    input.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).then(
        function () { toast("Copied.", "success"); },
        function () { toast("Press Ctrl-C to copy the selected text.", "info"); }
      );
    } else {
      toast("Press Ctrl-C to copy the selected text.", "info");
    }
  });
})();
