/* The deal board: drag a card to another column, or use the card's Move control. Both submit
 * the card's form (htmx posts it; the answer swaps the card and the column heads out of band).
 * A lost stage asks for the reason first; cancelling leaves the card where it was. When the
 * move fails the card goes back, and the board says why. No inline handlers: the CSP forbids
 * them. */
(function () {
  "use strict";

  var dragged = null; // the card being dragged
  var origin = null; // where a dragged card came from: {card, parent, next}

  function cardOf(el) { return el && el.closest ? el.closest(".deal-card") : null; }
  function columnOf(el) { return el && el.closest ? el.closest(".board-column") : null; }
  function moveForm(card) { return card ? card.querySelector("form.card-move") : null; }
  function isMoveForm(el) { return !!(el && el.matches && el.matches("form.card-move")); }
  function stageSelect(form) { return form.querySelector("select[name='stage_id']"); }

  function say(text) {
    var box = document.getElementById("board-message");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  // Put a card back where it was (after a refused or cancelled move) and reset its select.
  function putBack(form) {
    if (origin && origin.parent.isConnected) {
      origin.parent.insertBefore(origin.card, origin.next && origin.next.parentNode === origin.parent ? origin.next : null);
    }
    origin = null;
    if (form) {
      var select = stageSelect(form);
      select.value = select.getAttribute("data-current");
      form.querySelector("input[name='lost_reason']").value = "";
    }
  }

  // --- The lost reason: a <dialog> asks for it before the move is sent ------------------------
  function askReason(dealName, done, cancelled) {
    var dialog = document.getElementById("lost-dialog");
    if (!dialog) { cancelled(); return; }
    var input = dialog.querySelector("input[name='reason']");
    var name = dialog.querySelector("[data-lost-deal]");
    if (name) name.textContent = dealName;
    input.value = "";
    dialog.returnValue = "";
    dialog.addEventListener("close", function () {
      var reason = input.value.trim();
      if (dialog.returnValue === "lost" && reason) done(reason);
      else cancelled();
    }, { once: true });
    dialog.showModal();
    input.focus();
  }

  document.addEventListener("htmx:confirm", function (e) {
    var form = e.detail.elt;
    if (!isMoveForm(form)) return;
    var select = stageSelect(form);
    if (select.value === select.getAttribute("data-current")) {
      e.preventDefault(); // already there: nothing to save
      return;
    }
    var option = select.options[select.selectedIndex];
    var reason = form.querySelector("input[name='lost_reason']");
    if (option.getAttribute("data-kind") !== "lost" || reason.value) return;
    e.preventDefault();
    var card = cardOf(form);
    var title = card.querySelector(".card-title");
    askReason(title ? title.textContent.trim() : "this deal", function (text) {
      reason.value = text;
      e.detail.issueRequest(true);
    }, function () {
      putBack(form);
      select.focus();
    });
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var config = e.detail.requestConfig;
    if (!config || !isMoveForm(config.elt)) return;
    var status = e.detail.xhr ? e.detail.xhr.status : 0;
    if (e.detail.successful || status === 409 || status === 422) {
      var byKeyboard = !origin;
      origin = null; // moved, or the board came back redrawn with what happened
      // The old card, and the control that had focus, are gone: keep the keyboard on the Move
      // control in the card's new place.
      var id = config.elt.querySelector("input[name='deal_id']").value;
      var card = document.getElementById("card-" + id);
      var control = card && moveForm(card) ? stageSelect(moveForm(card)) : card;
      var focusLost = !document.activeElement || document.activeElement === document.body;
      if (byKeyboard && focusLost && control) control.focus();
      return;
    }
    putBack(config.elt);
    var text = e.detail.xhr && e.detail.xhr.responseText;
    var plain = e.detail.xhr && (e.detail.xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0;
    say("Not moved. " + (plain && text ? text : "The server could not save the move; the card is back where it was."));
  });

  // --- Drag and drop ---------------------------------------------------------------------------
  function clearTargets() {
    document.querySelectorAll(".board-column.is-drop-target").forEach(function (c) {
      c.classList.remove("is-drop-target");
    });
  }

  document.addEventListener("dragstart", function (e) {
    var card = cardOf(e.target);
    if (!card || card.getAttribute("draggable") !== "true" || !moveForm(card)) return;
    dragged = card;
    card.classList.add("is-dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.id);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    clearTargets();
  });

  document.addEventListener("dragover", function (e) {
    var column = columnOf(e.target);
    if (!dragged || !column) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    if (!column.classList.contains("is-drop-target")) {
      clearTargets();
      column.classList.add("is-drop-target");
    }
  });

  document.addEventListener("dragleave", function (e) {
    var column = columnOf(e.target);
    if (column && !column.contains(e.relatedTarget)) column.classList.remove("is-drop-target");
  });

  document.addEventListener("drop", function (e) {
    var column = columnOf(e.target);
    if (!dragged || !column) return;
    e.preventDefault();
    clearTargets();
    var card = dragged;
    var form = moveForm(card);
    var select = stageSelect(form);
    var stage = column.getAttribute("data-stage");
    if (stage === select.getAttribute("data-current")) return;
    say("");
    origin = { card: card, parent: card.parentNode, next: card.nextSibling };
    var list = column.querySelector(".cards");
    list.insertBefore(card, list.firstChild);
    select.value = stage;
    form.requestSubmit();
  });
})();
