// Session notes: character counts near the limit, a warning before leaving unsaved text, and autosave of drafts.
// No inline script (strict CSP): the pages describe themselves with data attributes and this file reads them.
//
//   textarea[data-count]        shows "4,612 / 5,000" in #<id>-count once the text nears its maxlength
//   form[data-warn-unsaved]     the browser asks before leaving while its fields hold unsaved changes
//   form[data-autosave-url]     a draft: saved ~1 s after the last keystroke and when a field loses focus. The answer is
//                               an HTML fragment: 200 #save-status (with data-revision), 409 the conflict panel (the text
//                               saved elsewhere beside ours, to choose from), 422 #save-status with what is wrong.
//                               Anything else (offline, 5xx) keeps the text on screen and retries with a growing pause.
//                               #save-status[data-save-state] says where it stands: saved | dirty | saving | failed |
//                               conflict | invalid; the journeys wait on it.
(() => {
  "use strict";

  const DEBOUNCE_MS = 1000;
  const COUNT_FROM = 0.9; // show the count from 90% of the limit

  const number = new Intl.NumberFormat("en-GB");

  function updateCount(textarea) {
    const out = document.getElementById(textarea.id + "-count");
    const max = Number(textarea.getAttribute("maxlength"));
    if (!out || !max) return;
    const length = textarea.value.length;
    if (length >= max * COUNT_FROM) {
      out.hidden = false;
      out.textContent = `${number.format(length)} / ${number.format(max)} characters`;
      out.classList.toggle("text-red-700", length >= max);
    } else {
      out.hidden = true;
      out.textContent = "";
    }
  }

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function setupAutosave(form) {
    const revision = form.querySelector("input[name=revision]");
    const conflictRegion = document.getElementById("note-conflict");
    let status = document.getElementById("save-status");
    let edits = 0; // bumped by every change
    let savedEdits = 0; // the edits the server holds
    let timer = null;
    let inFlight = false;
    let failures = 0;
    let inConflict = false;

    const state = () => status.dataset.saveState;
    const dirty = () => edits !== savedEdits;

    function show(stateName, text) {
      status.dataset.saveState = stateName;
      status.textContent = text;
    }

    function replaceStatus(fresh) {
      status.replaceWith(fresh);
      status = fresh;
    }

    function schedule(ms) {
      clearTimeout(timer);
      timer = setTimeout(save, ms);
    }

    function markInvalid(names) {
      form.querySelectorAll("[aria-invalid=true][data-autosaved]").forEach((el) => el.removeAttribute("aria-invalid"));
      names.forEach((name) => form.querySelector(`[name="${name}"]`)?.setAttribute("aria-invalid", "true"));
    }

    // After the first save of a new note the page becomes the note's own page.
    function adopt(answer) {
      const noteUrl = answer.dataset.noteUrl;
      if (!noteUrl || form.getAttribute("action") === noteUrl) return;
      form.setAttribute("action", noteUrl);
      form.dataset.autosaveUrl = noteUrl + "?handler=Autosave";
      form.querySelectorAll("[data-handler]").forEach((button) => button.setAttribute("formaction", `${noteUrl}?handler=${button.dataset.handler}`));
      history.replaceState(null, "", noteUrl);
      const title = document.querySelector("main h1");
      if (title && title.textContent.trim() === "New session note") title.textContent = "Session note";
    }

    async function save() {
      clearTimeout(timer);
      if (inConflict || !dirty()) return;
      if (inFlight) return; // the answer's handler sends the rest
      inFlight = true;
      const sent = edits;
      show("saving", "Saving…");
      // In flight until the answer is read and applied: a save started while the body is still arriving would go out
      // with the old address and revision (a second "create" of a new note, refused as a conflict with our own text).
      let response, body = "";
      try {
        response = await fetch(form.dataset.autosaveUrl, {
          method: "POST",
          body: new URLSearchParams(new FormData(form)),
          headers: { "HX-Request": "true" },
          credentials: "same-origin",
        });
        body = await response.text();
      } catch {
        response = null;
      }
      inFlight = false;

      if (response && response.status === 200) {
        const answer = parse(body).getElementById("save-status");
        if (answer) {
          failures = 0;
          savedEdits = sent;
          revision.value = answer.dataset.revision ?? revision.value;
          adopt(answer);
          markInvalid([]);
          replaceStatus(answer);
          if (dirty()) { show("dirty", "Unsaved changes…"); schedule(DEBOUNCE_MS); }
          return;
        }
      }
      if (response && response.status === 409) {
        const doc = parse(body);
        const panel = doc.getElementById("note-conflict");
        if (panel && conflictRegion) {
          inConflict = true;
          conflictRegion.replaceWith(panel);
          show("conflict", "Not saved: this note was changed somewhere else. Choose which text to keep below.");
          panel.querySelector("h2")?.focus();
          return;
        }
      }
      if (response && response.status === 422) {
        const answer = parse(body).getElementById("save-status");
        if (answer) {
          replaceStatus(answer);
          markInvalid((answer.dataset.invalid ?? "").split(" ").filter(Boolean));
          if (edits !== sent) schedule(DEBOUNCE_MS); // typed on while it was checked: perhaps mended
          return; // otherwise the next change tries again
        }
      }
      if (response && (response.status === 401 || response.status === 403)) {
        show("failed", "Not saved: you are signed out. Copy your text, sign in again in another tab, then come back and type to save.");
        return;
      }
      // Offline, a timeout, a server error: keep the text, say so, try again.
      failures += 1;
      const wait = Math.min(30, 2 ** failures);
      show("failed", `Not saved — the connection failed. Your text is still here; trying again in ${wait} s.`);
      schedule(wait * 1000);
    }

    function changed() {
      edits += 1;
      if (inConflict) return; // wait for a choice in the conflict panel
      if (state() !== "failed" && state() !== "saving") show("dirty", "Unsaved changes…");
      schedule(DEBOUNCE_MS);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", (event) => { if (event.target.type === "date" || event.target.type === "number") changed(); });
    form.addEventListener("focusout", () => { if (dirty() && !inConflict) save(); });
    window.addEventListener("online", () => { if (dirty()) save(); });

    // The conflict panel: keep their text (no save needed, it is what the server holds) or ours (saved over theirs, knowingly).
    document.addEventListener("click", (event) => {
      const button = event.target.closest("[data-conflict-choice]");
      if (!button) return;
      const panel = document.getElementById("note-conflict");
      if (!panel) return;
      event.preventDefault();
      const theirRevision = panel.dataset.theirRevision;
      if (button.dataset.conflictChoice === "theirs") {
        panel.querySelectorAll("[data-their-field]").forEach((their) => {
          const field = form.querySelector(`[name="${their.dataset.theirField}"]`);
          if (field) { field.value = their.dataset.value ?? their.textContent; if (field.matches("textarea[data-count]")) updateCount(field); }
        });
        revision.value = theirRevision;
        savedEdits = edits;
        inConflict = false;
        panel.replaceChildren();
        panel.removeAttribute("data-their-revision");
        show("saved", "Their text is on screen; nothing of yours was saved over it.");
      } else {
        revision.value = theirRevision;
        inConflict = false;
        panel.replaceChildren();
        panel.removeAttribute("data-their-revision");
        save();
      }
    });

    // A conflict that came with the page (a plain post without JavaScript) waits for a choice too.
    if (conflictRegion?.dataset.theirRevision) { inConflict = true; edits = 1; }

    return { dirty: () => dirty() || inFlight };
  }

  function setup() {
    document.querySelectorAll("textarea[data-count]").forEach((textarea) => {
      updateCount(textarea);
      textarea.addEventListener("input", () => updateCount(textarea));
    });

    const guarded = [];
    document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
      const entry = { form, submitting: false, touched: false, autosave: null };
      if (form.dataset.autosaveUrl) entry.autosave = setupAutosave(form);
      form.addEventListener("input", () => { entry.touched = true; });
      form.addEventListener("submit", () => { entry.submitting = true; });
      guarded.push(entry);
    });

    window.addEventListener("beforeunload", (event) => {
      const unsaved = guarded.some((g) => !g.submitting && (g.autosave ? g.autosave.dirty() : g.touched));
      if (unsaved) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
