/* Rich-text editing over a plain <textarea> (templates/fields/richtext.html).
 *
 * Each textarea in a [data-richtext] box gets a toolbar (bold, italic, bulleted and numbered
 * list, link, quote, code) and an editable area; the area's HTML is copied into the textarea on
 * every change, so the form posts the same field with or without script. What enters the area
 * (the textarea's value, a paste, an insertion) passes the same allow-list as the server's
 * core.richtext first, parsed in an inert document, so no markup runs or loads while editing.
 * The server cleans everything again with nh3: this is comfort, not the safety line.
 *
 * window.rapportRichtext.insert(textareaId, html) puts HTML at the caret; a swapped-in
 * <template data-richtext-insert="textareaId"> does the same from an htmx answer. */
(function () {
  "use strict";
  if (window.rapportRichtext) return; // the include may load this file more than once

  var KEEP = "p br strong b em i u s a ul ol li blockquote code pre h2 h3 h4 hr table thead tbody tr th td";
  var ALLOWED = {};
  KEEP.split(" ").forEach(function (tag) { ALLOWED[tag.toUpperCase()] = true; });
  var DROP = { SCRIPT: 1, STYLE: 1, TEMPLATE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, HEAD: 1, TITLE: 1, SVG: 1, MATH: 1, NOSCRIPT: 1 };
  var AS_PARAGRAPH = { DIV: 1, H1: 1, H5: 1, H6: 1, SECTION: 1, ARTICLE: 1 };
  var SAFE_URL = /^(https?:\/\/|mailto:|tel:)/i;
  var HTML_TAG = /<\/?(p|br|div|span|strong|b|em|i|u|s|a|ul|ol|li|h[1-6]|blockquote|pre|code|table|tr|td|th|hr)\b[^>]*>/i;
  var BUTTONS = [
    { cmd: "bold", label: "Bold", key: "b", text: "B" },
    { cmd: "italic", label: "Italic", key: "i", text: "I" },
    { cmd: "insertUnorderedList", label: "Bulleted list", text: "\u2022 List" },
    { cmd: "insertOrderedList", label: "Numbered list", text: "1. List" },
    { cmd: "link", label: "Link", key: "k", text: "Link" },
    { cmd: "quote", label: "Quote", text: "\u201c Quote" },
    { cmd: "code", label: "Code", text: "</>" }
  ];
  var isMac = /Mac|iPhone|iPad/.test(navigator.platform || "");

  // --- Cleaning -------------------------------------------------------------------------------
  function copyChildren(from, to) {
    Array.prototype.forEach.call(from.childNodes, function (node) {
      if (node.nodeType === 3) { to.appendChild(document.createTextNode(node.data)); return; }
      if (node.nodeType !== 1 || DROP[node.tagName]) return;
      var tag = node.tagName;
      if (!ALLOWED[tag] && !AS_PARAGRAPH[tag]) { copyChildren(node, to); return; }
      var el = document.createElement(ALLOWED[tag] ? tag.toLowerCase() : "p");
      if (tag === "A") {
        var href = (node.getAttribute("href") || "").trim();
        if (SAFE_URL.test(href)) el.setAttribute("href", href);
      }
      copyChildren(node, el);
      to.appendChild(el);
    });
  }
  function clean(html) {
    var doc = new DOMParser().parseFromString(html, "text/html"); // inert: nothing runs
    var box = document.createElement("div");
    copyChildren(doc.body, box);
    return box.innerHTML;
  }
  function escapeText(text) {
    var box = document.createElement("div");
    box.textContent = text;
    return box.innerHTML;
  }
  function textToHtml(text) {
    return text.replace(/\r\n/g, "\n").split(/\n\s*\n/).filter(function (p) { return p.trim(); })
      .map(function (p) { return "<p>" + p.split("\n").map(escapeText).join("<br>") + "</p>"; }).join("");
  }
  function toHtml(value) { return HTML_TAG.test(value) ? clean(value) : textToHtml(value); }

  // --- One editor -----------------------------------------------------------------------------
  function Editor(textarea) {
    this.textarea = textarea;
    this.required = textarea.required;
    textarea.required = false; // a hidden required field would block the form: checked on submit
    this.area = document.createElement("div");
    this.area.className = "richtext-editor";
    this.area.id = textarea.id + "-editor";
    this.area.contentEditable = "true";
    this.area.setAttribute("role", "textbox");
    this.area.setAttribute("aria-multiline", "true");
    this.area.setAttribute("aria-labelledby", textarea.id + "-label");
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (textarea.hasAttribute(name)) this.area.setAttribute(name, textarea.getAttribute(name));
    }, this);
    if (this.required) this.area.setAttribute("aria-required", "true");
    this.area.setAttribute("data-placeholder", textarea.getAttribute("placeholder") || "");
    this.toolbar = this.buildToolbar();
    this.linkBar = this.buildLinkBar();
    this.message = document.createElement("p");
    this.message.className = "error";
    this.message.setAttribute("role", "alert");
    this.message.hidden = true;
    textarea.hidden = true;
    textarea.after(this.toolbar, this.linkBar, this.area, this.message);
    this.setHtml(toHtml(textarea.value));
    this.range = null;
    this.bind();
    textarea.richtext = this;
  }
  Editor.prototype.buildToolbar = function () {
    var bar = document.createElement("div");
    bar.className = "richtext-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Formatting");
    bar.setAttribute("aria-controls", this.area.id);
    BUTTONS.forEach(function (spec, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "richtext-button rt-" + spec.cmd;
      button.textContent = spec.text;
      var shortcut = spec.key ? (isMac ? "Cmd" : "Ctrl") + "+" + spec.key.toUpperCase() : "";
      button.setAttribute("aria-label", spec.label);
      button.title = spec.label + (shortcut ? " (" + shortcut + ")" : "");
      if (shortcut) button.setAttribute("aria-keyshortcuts", (isMac ? "Meta+" : "Control+") + spec.key.toUpperCase());
      if (spec.cmd !== "link") button.setAttribute("aria-pressed", "false");
      button.tabIndex = index === 0 ? 0 : -1; // one tab stop; arrows move along (a toolbar)
      button.dataset.cmd = spec.cmd;
      bar.appendChild(button);
    });
    return bar;
  };
  Editor.prototype.buildLinkBar = function () {
    var bar = document.createElement("div");
    bar.className = "richtext-linkbar";
    bar.hidden = true;
    var id = this.textarea.id + "-link";
    bar.innerHTML = '<label for="' + id + '">Link address</label>' +
      '<input type="url" id="' + id + '" placeholder="https://example.com" autocomplete="off">' +
      '<button type="button" class="secondary" data-link="apply">Apply</button>' +
      '<button type="button" class="secondary" data-link="remove">Remove link</button>' +
      '<button type="button" class="secondary" data-link="cancel">Cancel</button>';
    return bar;
  };
  Editor.prototype.setHtml = function (html) {
    this.area.innerHTML = html || "<p><br></p>";
    this.sync();
  };
  Editor.prototype.isEmpty = function () {
    return !this.area.textContent.replace(/\u200b/g, "").trim() && !this.area.querySelector("hr, li");
  };
  Editor.prototype.sync = function () {
    var empty = this.isEmpty();
    this.textarea.value = empty ? "" : this.area.innerHTML.replace(/\u200b/g, "");
    this.area.classList.toggle("is-empty", empty);
    if (!empty) this.message.hidden = true;
  };
  Editor.prototype.saveRange = function () {
    var sel = window.getSelection();
    if (sel.rangeCount && this.area.contains(sel.getRangeAt(0).commonAncestorContainer)) {
      this.range = sel.getRangeAt(0).cloneRange();
    }
  };
  Editor.prototype.restoreRange = function () {
    this.area.focus();
    var sel = window.getSelection();
    if (this.range) { sel.removeAllRanges(); sel.addRange(this.range); }
  };
  Editor.prototype.ancestor = function (tag) {
    var sel = window.getSelection();
    var node = sel.rangeCount ? sel.getRangeAt(0).commonAncestorContainer : null;
    while (node && node !== this.area) {
      if (node.nodeType === 1 && node.tagName === tag) return node;
      node = node.parentNode;
    }
    return null;
  };
  Editor.prototype.insertHtml = function (html) {
    this.restoreRange();
    document.execCommand("insertHTML", false, clean(html));
    this.saveRange();
    this.sync();
  };

  // --- Commands -------------------------------------------------------------------------------
  function unwrap(node) {
    while (node.firstChild) node.parentNode.insertBefore(node.firstChild, node);
    node.remove();
  }
  Editor.prototype.run = function (cmd) {
    this.restoreRange();
    if (cmd === "link") { this.openLinkBar(); return; }
    if (cmd === "quote") {
      var quote = this.ancestor("BLOCKQUOTE");
      if (quote) unwrap(quote); else document.execCommand("formatBlock", false, "blockquote");
    } else if (cmd === "code") {
      var code = this.ancestor("CODE");
      var sel = window.getSelection();
      if (code) unwrap(code);
      else document.execCommand("insertHTML", false, "<code>" + escapeText(sel.toString() || "code") + "</code>");
    } else {
      document.execCommand(cmd, false, null);
    }
    this.saveRange();
    this.sync();
    this.updateState();
  };
  Editor.prototype.updateState = function () {
    var self = this;
    this.toolbar.querySelectorAll("[aria-pressed]").forEach(function (button) {
      var cmd = button.dataset.cmd, on;
      if (cmd === "quote") on = !!self.ancestor("BLOCKQUOTE");
      else if (cmd === "code") on = !!self.ancestor("CODE");
      else on = document.queryCommandState(cmd);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  };
  Editor.prototype.openLinkBar = function () {
    var link = this.ancestor("A");
    var input = this.linkBar.querySelector("input");
    input.value = link ? link.getAttribute("href") || "" : "";
    this.linkBar.querySelector("[data-link='remove']").hidden = !link;
    this.linkBar.hidden = false;
    input.focus();
  };
  Editor.prototype.closeLinkBar = function () {
    this.linkBar.hidden = true;
    this.restoreRange();
  };
  function normaliseUrl(raw) {
    var url = raw.trim();
    if (!url) return "";
    if (SAFE_URL.test(url)) return url;
    if (/^[^\s@\/]+@[^\s@\/]+\.[^\s@\/]+$/.test(url)) return "mailto:" + url;
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return ""; // another scheme (javascript:, data:...)
    return "https://" + url.replace(/^\/+/, "");
  }
  Editor.prototype.applyLink = function () {
    var input = this.linkBar.querySelector("input");
    var url = normaliseUrl(input.value);
    if (!url) { input.setAttribute("aria-invalid", "true"); input.focus(); return; }
    input.removeAttribute("aria-invalid");
    this.linkBar.hidden = true;
    this.restoreRange();
    var link = this.ancestor("A");
    if (link) link.setAttribute("href", url);
    else if (window.getSelection().isCollapsed) {
      document.execCommand("insertHTML", false, '<a href="' + escapeText(url).replace(/"/g, "&quot;") + '">' + escapeText(url) + "</a>");
    } else document.execCommand("createLink", false, url);
    this.saveRange();
    this.sync();
  };
  Editor.prototype.removeLink = function () {
    this.linkBar.hidden = true;
    this.restoreRange();
    var link = this.ancestor("A");
    if (link) unwrap(link);
    this.sync();
  };

  // --- Events ---------------------------------------------------------------------------------
  Editor.prototype.bind = function () {
    var self = this;
    this.area.addEventListener("input", function () { self.sync(); self.updateState(); });
    this.area.addEventListener("keyup", function () { self.saveRange(); self.updateState(); });
    this.area.addEventListener("mouseup", function () { self.saveRange(); self.updateState(); });
    this.area.addEventListener("focus", function () { document.execCommand("defaultParagraphSeparator", false, "p"); });
    this.area.addEventListener("keydown", function (e) { self.onKey(e); });
    this.area.addEventListener("paste", function (e) {
      e.preventDefault();
      var data = e.clipboardData;
      var html = data.getData("text/html");
      self.saveRange();
      self.insertHtml(html ? clean(html) : textToHtml(data.getData("text/plain")));
    });
    this.area.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) e.preventDefault(); // files go to the upload
    });
    this.toolbar.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep the selection
    this.toolbar.addEventListener("click", function (e) {
      var button = e.target.closest("[data-cmd]");
      if (button) self.run(button.dataset.cmd);
    });
    this.toolbar.addEventListener("keydown", function (e) { self.onToolbarKey(e); });
    this.linkBar.addEventListener("click", function (e) {
      var action = e.target.getAttribute("data-link");
      if (action === "apply") self.applyLink();
      else if (action === "remove") self.removeLink();
      else if (action === "cancel") self.closeLinkBar();
    });
    this.linkBar.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); self.applyLink(); }
      else if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); self.closeLinkBar(); }
    });
    var label = document.getElementById(this.textarea.id + "-label");
    if (label) label.addEventListener("click", function (e) { e.preventDefault(); self.area.focus(); });
  };
  Editor.prototype.onKey = function (e) {
    var mod = isMac ? e.metaKey : e.ctrlKey;
    if (!mod || e.altKey) return;
    var key = e.key.toLowerCase();
    if (key === "enter" && this.textarea.form) {
      e.preventDefault();
      this.sync();
      this.textarea.form.requestSubmit();
      return;
    }
    var spec = BUTTONS.find(function (b) { return b.key === key; });
    if (spec && !e.shiftKey) { e.preventDefault(); this.saveRange(); this.run(spec.cmd); }
  };
  Editor.prototype.onToolbarKey = function (e) {
    var buttons = Array.prototype.slice.call(this.toolbar.querySelectorAll("button"));
    var index = buttons.indexOf(document.activeElement);
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (next === undefined || index < 0) return;
    e.preventDefault();
    next = (next + buttons.length) % buttons.length;
    buttons.forEach(function (b, i) { b.tabIndex = i === next ? 0 : -1; });
    buttons[next].focus();
  };
  Editor.prototype.checkRequired = function () {
    this.sync();
    if (!this.required || !this.isEmpty()) return true;
    this.message.textContent = "Write something first.";
    this.message.hidden = false;
    this.area.focus();
    return false;
  };

  // --- Setting up, forms and htmx ------------------------------------------------------------
  function enhanceIn(root) {
    if (!root || !root.querySelectorAll) return;
    var boxes = root.matches && root.matches("[data-richtext]") ? [root] : [];
    boxes = boxes.concat(Array.prototype.slice.call(root.querySelectorAll("[data-richtext]")));
    boxes.forEach(function (box) {
      var textarea = box.querySelector("textarea");
      if (textarea && !textarea.richtext && document.execCommand) new Editor(textarea);
    });
    var inserts = root.matches && root.matches("template[data-richtext-insert]") ? [root] : [];
    inserts = inserts.concat(Array.prototype.slice.call(root.querySelectorAll("template[data-richtext-insert]")));
    inserts.forEach(function (template) {
      insert(template.getAttribute("data-richtext-insert"), template.innerHTML);
      template.remove();
    });
  }
  function insert(id, html) {
    var textarea = document.getElementById(id);
    if (!textarea) return;
    if (textarea.richtext) { textarea.richtext.insertHtml(html); return; }
    textarea.value = textarea.value ? textarea.value + "\n\n" + html : html;
  }
  // Before any submit handler (htmx's too): copy the HTML over and refuse an empty required field.
  document.addEventListener("submit", function (e) {
    var ok = true;
    e.target.querySelectorAll("textarea").forEach(function (textarea) {
      if (textarea.richtext && !textarea.richtext.checkRequired()) ok = false;
    });
    if (!ok) { e.preventDefault(); e.stopPropagation(); }
  }, true);
  document.addEventListener("htmx:load", function (e) { enhanceIn(e.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceIn(document.body); });
  } else {
    enhanceIn(document.body);
  }
  window.rapportRichtext = { insert: insert, enhance: enhanceIn, clean: clean };
})();
