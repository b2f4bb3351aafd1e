// PazPaz calendar: dialogs, keyboard shortcuts, clicks on empty slots, drag and drop, keyboard moves, the undo toast,
// the client picker and live refresh. The server does the work through htmx and plain forms; this file only wires up
// what a browser has to do itself. No inline script anywhere (the CSP forbids it), no eval.
(() => {
  "use strict";

  const SLOT_PX = 12; // one 15-minute row of the time grid (48px an hour)
  const SNAP = 15;
  const DAY = 24 * 60;
  const TOAST_MS = 10000;
  const LIVE_DEBOUNCE_MS = 200;
  const REOPEN_MS = 5000;

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const region = () => $("#calendar-region");
  const appointmentDialog = () => $("#appointment-dialog");
  const pad = (n) => String(n).padStart(2, "0");
  // Counters on <body> (data-live-changes, data-late-answers-dropped, …) say what the page did, for anyone watching it.
  const count = (name) => { document.body.dataset[name] = String(+(document.body.dataset[name] || 0) + 1); };

  // Wall-clock arithmetic on "YYYY-MM-DDTHH:MM" strings, done in UTC so the browser's own time zone never shifts them.
  const toMs = (s) => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10), +s.slice(11, 13) || 0, +s.slice(14, 16) || 0);
  const local = (date, minutes) => {
    const t = new Date(toMs(date) + minutes * 60000);
    return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
  };
  const minutesOf = (s) => +s.slice(11, 13) * 60 + +s.slice(14, 16);
  const minutesBetween = (a, b) => (toMs(b) - toMs(a)) / 60000;
  const hhmm = (minutes) => `${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}`;

  let requestsInFlight = 0;
  let drag = null;
  let suppressClick = false;
  let lastDrop = null; // the drop waiting for an answer, so "Put back" can undo it on screen at once
  let savedScroll = null;

  // ---------------------------------------------------------------------------------------------------------------
  // Phones: the day view unless the address asks for another.
  const narrow = window.matchMedia("(max-width: 640px)");
  const first = region();
  if (first && narrow.matches && !new URLSearchParams(location.search).has("view") && first.dataset.view !== "day") {
    const url = new URL(location.href);
    url.searchParams.set("view", "day");
    url.searchParams.set("date", first.dataset.date);
    location.replace(url.toString());
    return;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Dialogs: htmx fills #dialog-body, we open it; Esc and the backdrop close it; a saved appointment closes it.
  const open = (dialog) => { if (dialog && !dialog.open) dialog.showModal(); };
  const close = (dialog) => { if (dialog && dialog.open) dialog.close(); };

  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "toast") armToast();
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (!target || !target.closest) return;
    // Open a dialog only once htmx has wired up its content (that happens when the swap settles, 20 ms or, on a busy
    // device, much later): opened at the swap, the focused client search took typing and pasting that no search followed.
    // (A reschedule answered with HX-Reswap: none still reports a swap into #dialog-body: open only on content.)
    if (target.id === "dialog-body" && target.childElementCount > 0) open(appointmentDialog());
    // A form answered 422: take the user to the first field to correct.
    if (target.id === "appointment-panel") $("[aria-invalid=true]", target)?.focus();
    if (target.id === "client-picker") {
      const next = $("#new-client-first-name[aria-invalid], #client-picker [role=alert]") ? $("#new-client-first-name") : $("#service-id");
      (next || $("#client-query"))?.focus();
    }
    if (target.id === "client-options") syncCombobox();
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    // The session ended (idle or signed out elsewhere): the request was redirected to the sign-in page; go there.
    const answeredBy = event.detail.xhr && event.detail.xhr.responseURL;
    if (answeredBy && new URL(answeredBy).pathname.startsWith("/sign-in")) {
      event.detail.shouldSwap = false;
      location.assign(answeredBy);
      return;
    }
  });

  // A time check or client search answered after its form was submitted or closed has nothing left to update (its
  // "Book anyway" button, swapped out of band, would find no place to go). Once the dialog has closed, htmx tells only
  // the detached form, never the document: so each appointment form listens for itself.
  function dropLateAnswer(event) {
    const config = event.detail.requestConfig;
    const source = config && config.elt;
    if (!config || config.verb !== "get" || !source || (source.isConnected && $("#appointment-submit"))) return;
    event.detail.shouldSwap = false;
    count("lateAnswersDropped");
  }
  htmx.onLoad((root) => {
    const form = root.id === "appointment-form" ? root : $("#appointment-form", root);
    if (form) form.addEventListener("htmx:beforeSwap", dropLateAnswer);
  });

  document.addEventListener("appointment-saved", (event) => {
    const dialog = appointmentDialog();
    if (!dialog) {
      // The form was opened as a page of its own: back to the calendar, on the appointment's week.
      const url = event.detail && typeof event.detail.url === "string" && event.detail.url.startsWith("/calendar") ? event.detail.url : "/calendar";
      if ($("#appointment-panel")) location.assign(url);
      return;
    }
    dialog.dataset.saved = "true";
    close(dialog);
  });

  document.addEventListener("close", (event) => {
    const dialog = event.target;
    if (!(dialog instanceof HTMLDialogElement) || dialog.id !== "appointment-dialog") return;
    // Closing "Move anyway?" without confirming puts the dropped appointment back where it was.
    if (!dialog.dataset.saved && $("[data-put-back-on-close]", dialog)) {
      if (lastDrop) putBack(lastDrop);
      refreshCalendar();
    }
    lastDrop = null;
    delete dialog.dataset.saved;
    $("#dialog-body").replaceChildren();
  }, true);

  let pressedOnBackdrop = false;
  document.addEventListener("pointerdown", (event) => {
    pressedOnBackdrop = event.target instanceof HTMLDialogElement && outside(event.target, event);
  });
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (target instanceof HTMLDialogElement && target.open && pressedOnBackdrop && outside(target, event)) close(target);
    const closer = target.closest && target.closest("[data-close-dialog]");
    if (closer) {
      event.preventDefault();
      const dialog = closer.closest("dialog");
      if (dialog) close(dialog);
      else location.assign("/calendar"); // the form opened as a page of its own
      return;
    }
    if (target.closest && target.closest("[data-open-shortcuts]")) open($("#shortcuts-dialog"));
    if (target.closest && target.closest("[data-dismiss-toast]")) $("#toast")?.replaceChildren();
  });
  const outside = (dialog, event) => {
    const r = dialog.getBoundingClientRect();
    return event.clientX < r.left || event.clientX > r.right || event.clientY < r.top || event.clientY > r.bottom;
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Keyboard shortcuts. Ignored while typing and while a dialog is open (Esc closes dialogs natively).
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    if (event.key === "Escape" && drag) { cancelDrag(); return; }
    if (!region() || $("dialog[open]")) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])")) return;

    const block = target.closest && target.closest("[data-appointment-id]");
    if (block && (event.altKey || event.shiftKey) && event.key.startsWith("Arrow")) {
      event.preventDefault();
      moveWithKeys(block, event.key);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || (event.shiftKey && event.key !== "?")) return;
    const press = (id) => {
      const element = document.getElementById(id);
      if (!element) return;
      event.preventDefault();
      element.click();
    };
    switch (event.key) {
      case "t": press("cal-today"); break;
      case "ArrowLeft": press("cal-prev"); break;
      case "ArrowRight": press("cal-next"); break;
      case "d": press("cal-view-d"); break;
      case "w": press("cal-view-w"); break;
      case "m": press("cal-view-m"); break;
      case "n": press("cal-new"); break;
      case "?":
        event.preventDefault();
        open($("#shortcuts-dialog"));
        break;
    }
  });

  // ---------------------------------------------------------------------------------------------------------------
  // A click on empty space: a new appointment at that quarter hour (time grid) or on that day (month).
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!target.closest || target.closest("a, button, [data-appointment-id]")) return;
    const column = target.closest(".cal-day");
    if (column) {
      const top = column.getBoundingClientRect().top;
      const minutes = Math.min(DAY - SNAP, Math.max(0, Math.floor((event.clientY - top) / SLOT_PX) * SNAP));
      openNew(`start=${encodeURIComponent(local(column.dataset.date, minutes))}`);
      return;
    }
    const day = target.closest(".cal-month-day");
    if (day) openNew(`date=${day.dataset.date}`);
  });

  const openNew = (query) => htmx.ajax("GET", `/appointments/new?${query}`, { target: "#dialog-body", swap: "innerHTML" });

  // ---------------------------------------------------------------------------------------------------------------
  // Moving an appointment: drag and drop with a mouse or pen (15-minute snap), or Alt/Shift + arrows on a focused one.
  const token = () => $("#calendar-token input[name=__RequestVerificationToken]")?.value || "";

  const reschedule = (id, start, end) =>
    htmx.ajax("POST", `/appointments/${id}/reschedule`, {
      target: "#dialog-body",
      swap: "innerHTML",
      values: { start, end },
      headers: { RequestVerificationToken: token() },
    });

  let keyboardMoveBusy = false;
  function moveWithKeys(block, key) {
    if (block.dataset.canMove !== "true") {
      showToast("Only a scheduled appointment can be moved.");
      return;
    }
    if (keyboardMoveBusy) return;
    const start = block.dataset.start;
    const length = minutesBetween(start, block.dataset.end);
    const minutes = minutesOf(start);
    const date = start.slice(0, 10);
    let next;
    if (key === "ArrowUp") next = Math.floor((minutes - 1) / SNAP) * SNAP;
    else if (key === "ArrowDown") next = Math.ceil((minutes + 1) / SNAP) * SNAP;
    else next = minutes + (key === "ArrowLeft" ? -DAY : DAY);
    // One move at a time: the next press reads the position the refreshed calendar shows.
    keyboardMoveBusy = true;
    const release = () => { keyboardMoveBusy = false; };
    reschedule(block.dataset.appointmentId, local(date, next), local(date, next + length)).then(() => setTimeout(release, 1500), release);
  }
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target?.id === "calendar-region") keyboardMoveBusy = false;
  });

  // Touch: a finger on a block first scrolls, as everywhere else; held still for LONG_PRESS ms it picks the block up
  // (data-picked-up marks it), and from then on moving the finger drags it instead of scrolling the calendar.
  const LONG_PRESS = 450;
  document.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const block = event.target.closest && event.target.closest(".cal-day [data-appointment-id][data-can-move=true]");
    if (!block) return;
    const touch = event.pointerType === "touch";
    drag = {
      touch,
      pickedUp: !touch,
      timer: touch ? setTimeout(() => pickUp(event.pointerId), LONG_PRESS) : null,
      block,
      pointerId: event.pointerId,
      x: event.clientX,
      y: event.clientY,
      grab: event.clientY - block.getBoundingClientRect().top,
      start: block.dataset.start,
      length: minutesBetween(block.dataset.start, block.dataset.end),
      moved: false,
      ghost: null,
      target: null,
    };
  });

  function pickUp(pointerId) {
    if (!drag || drag.pointerId !== pointerId || drag.pickedUp) return;
    drag.pickedUp = true;
    drag.block.dataset.pickedUp = "true";
    if (navigator.vibrate) navigator.vibrate(10);
  }

  // Once a block is picked up, the finger's moves are the drag's, not a scroll (the listener must not be passive).
  document.addEventListener("touchmove", (event) => { if (drag && drag.touch && drag.pickedUp) event.preventDefault(); }, { passive: false });
  document.addEventListener("contextmenu", (event) => { if (drag && drag.touch) event.preventDefault(); });

  document.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (!drag.pickedUp) {
      // The finger moved before the long press: it is scrolling.
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) >= 8) cancelDrag();
      return;
    }
    if (!drag.moved) {
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < 5) return;
      drag.moved = true;
      drag.block.setPointerCapture(event.pointerId);
      drag.ghost = makeGhost(drag.block, drag.length);
      drag.block.classList.add("opacity-40");
      document.body.classList.add("select-none", "cursor-grabbing");
    }
    event.preventDefault();
    autoScroll(event.clientY);
    const column = columnAt(event.clientX) || drag.block.closest(".cal-day");
    const top = event.clientY - column.getBoundingClientRect().top - drag.grab;
    const latest = Math.max(0, DAY - Math.max(drag.length, SNAP));
    const minutes = Math.min(latest, Math.max(0, Math.round(top / SLOT_PX) * SNAP));
    drag.target = { date: column.dataset.date, minutes };
    if (drag.ghost.parentElement !== column) column.appendChild(drag.ghost);
    drag.ghost.style.top = `${(minutes / SNAP) * SLOT_PX}px`;
    const label = $("[data-time-label]", drag.ghost);
    if (label) label.textContent = `${hhmm(minutes)}–${hhmm(minutes + drag.length)}`;
  });

  document.addEventListener("pointerup", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const done = drag;
    drag = null;
    clearTimeout(done.timer);
    delete done.block.dataset.pickedUp;
    if (!done.moved) return; // a plain click or tap: htmx opens the appointment
    suppressClick = true;
    setTimeout(() => { suppressClick = false; }, 0);
    document.body.classList.remove("select-none", "cursor-grabbing");
    const { target } = done;
    if (!target || local(target.date, target.minutes) === done.start) {
      putBack(done);
      return;
    }
    // The ghost stays where it was dropped until the calendar refreshes (or "Put back" removes it).
    lastDrop = done;
    reschedule(done.block.dataset.appointmentId, local(target.date, target.minutes), local(target.date, target.minutes + done.length));
  });

  document.addEventListener("pointercancel", () => { if (drag) cancelDrag(); });

  // After a drag, the browser still sends a click: it must not open the appointment.
  document.addEventListener("click", (event) => {
    if (!suppressClick) return;
    suppressClick = false;
    event.preventDefault();
    event.stopPropagation();
  }, true);

  function cancelDrag() {
    const done = drag;
    drag = null;
    if (done) {
      clearTimeout(done.timer);
      delete done.block.dataset.pickedUp;
    }
    document.body.classList.remove("select-none", "cursor-grabbing");
    if (done && done.moved) putBack(done);
  }

  function putBack(done) {
    done.ghost?.remove();
    done.block.classList.remove("opacity-40");
  }

  function makeGhost(block, length) {
    const ghost = block.cloneNode(true);
    ["id", "href", "hx-get", "hx-target", "hx-swap", "data-appointment-id", "data-can-move", "aria-keyshortcuts"].forEach((name) => ghost.removeAttribute(name));
    ghost.setAttribute("aria-hidden", "true");
    ghost.classList.add("absolute", "left-0.5", "right-1", "z-40", "h-auto", "pointer-events-none", "shadow-lg", "ring-2", "ring-brand-700");
    ghost.classList.remove("h-full", "w-full");
    ghost.style.height = `${(Math.max(length, SNAP) / SNAP) * SLOT_PX}px`;
    return ghost;
  }

  function columnAt(x) {
    return $$(".cal-day", region() || document).find((column) => {
      const r = column.getBoundingClientRect();
      return x >= r.left && x < r.right;
    });
  }

  function autoScroll(y) {
    const scroller = $("#calendar-scroll");
    if (!scroller) return;
    const r = scroller.getBoundingClientRect();
    if (y < r.top + 40) scroller.scrollTop -= SLOT_PX;
    else if (y > r.bottom - 40) scroller.scrollTop += SLOT_PX;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The undo toast (#toast, role=status): filled by the handlers out of band, cleared after about ten seconds,
  // but never while the pointer or the focus is on it.
  let toastTimer = null;
  function armToast() {
    clearTimeout(toastTimer);
    const toast = $("#toast");
    if (!toast || toast.childElementCount === 0) return;
    toastTimer = setTimeout(function expire() {
      if (toast.matches(":hover, :focus-within")) {
        toastTimer = setTimeout(expire, 2000);
        return;
      }
      toast.replaceChildren();
    }, TOAST_MS);
  }
  document.addEventListener("htmx:oobAfterSwap", (event) => { if (event.target.id === "toast") armToast(); });

  function showToast(message) {
    const toast = $("#toast");
    if (!toast) return;
    const text = document.createElement("span");
    text.textContent = message;
    toast.replaceChildren(text);
    armToast();
  }

  document.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    showToast(status === 404 ? "That appointment is no longer there. The calendar has been refreshed." : "That did not work. Please try again.");
    refreshCalendar();
  });
  document.addEventListener("htmx:sendError", () => showToast("No connection to PazPaz. Check the network and try again."));

  // ---------------------------------------------------------------------------------------------------------------
  // The appointment form: a service sets the end from its duration, moving the start keeps the length,
  // a location fills in its details.
  document.addEventListener("focusin", (event) => {
    if (event.target.id === "appointment-start") event.target.dataset.before = event.target.value;
  });

  document.addEventListener("change", (event) => {
    const field = event.target;
    const start = $("#appointment-start");
    const end = $("#appointment-end");
    // Past midnight the end wraps to the next day's time: the server reads an end before the start as the next day.
    const setEnd = (minutes) => {
      if (!end || minutes <= 0 || minutes >= 2 * DAY) return;
      end.value = hhmm(minutes % DAY);
      end.dispatchEvent(new Event("change", { bubbles: true }));
    };
    const asMinutes = (value) => (/^\d{2}:\d{2}/.test(value || "") ? +value.slice(0, 2) * 60 + +value.slice(3, 5) : null);

    if (field.id === "service-id") {
      const duration = +(field.selectedOptions[0]?.dataset.duration || 0);
      const from = asMinutes(start?.value);
      if (duration && from !== null) setEnd(from + duration);
    } else if (field.id === "appointment-start") {
      const before = asMinutes(field.dataset.before);
      const from = asMinutes(field.value);
      const to = asMinutes(end?.value);
      if (before !== null && from !== null && to !== null && to !== before) setEnd(from + ((to - before + DAY) % DAY));
      field.dataset.before = field.value;
    } else if (field.id === "location-id") {
      const details = $("#location-details");
      if (details && (!details.value || details.dataset.filled === "true")) {
        details.value = field.selectedOptions[0]?.dataset.details || "";
        details.dataset.filled = "true";
      }
    }
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Client picker: a combobox over #client-options (filled by htmx as you type). Arrow keys move, Enter chooses,
  // Esc closes the list (not the dialog).
  const options = () => $$("#client-options [role=option][data-client-id]");
  const listbox = () => $("#client-options");

  function syncCombobox() {
    const input = $("#client-query");
    const list = listbox();
    if (!input || !list) return;
    const shown = !list.hidden && list.children.length > 0;
    input.setAttribute("aria-expanded", String(shown));
    input.removeAttribute("aria-activedescendant");
  }

  function hideOptions() {
    const list = listbox();
    if (list) list.hidden = true;
    syncCombobox();
  }

  function highlight(option) {
    const input = $("#client-query");
    options().forEach((o) => o.setAttribute("aria-selected", String(o === option)));
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function choose(option) {
    $("#client-id").value = option.dataset.clientId;
    const input = $("#client-query");
    input.value = option.dataset.clientName;
    input.removeAttribute("aria-invalid");
    hideOptions();
  }

  document.addEventListener("input", (event) => {
    if (event.target.id === "client-query") $("#client-id").value = "";
  });

  // Text that reached the search box before htmx listened to it (a page of its own is focused by the browser before its
  // scripts run) is searched now: htmx's "changed" filter would otherwise take it as already seen.
  document.addEventListener("htmx:afterProcessNode", (event) => {
    const input = event.target;
    if (input.id !== "client-query" || input.value === input.defaultValue || $("#client-id")?.value) return;
    htmx.trigger(input, "search-clients");
  });

  document.addEventListener("keydown", (event) => {
    if (event.target.id !== "client-query") return;
    const list = listbox();
    const open = list && !list.hidden;
    const all = options();
    const current = all.findIndex((o) => o.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        htmx.trigger(event.target, "search-clients");
        return;
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(all[(current + step + all.length) % all.length]);
    } else if (event.key === "Enter" && open) {
      event.preventDefault();
      const option = all[current] || (all.length === 1 ? all[0] : null);
      if (option) choose(option);
    } else if (event.key === "Escape" && open) {
      event.preventDefault(); // keeps the dialog open
      event.stopPropagation();
      hideOptions();
    } else if (event.key === "Tab") {
      hideOptions();
    }
  });

  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest && event.target.closest("#client-options [role=option][data-client-id]");
    if (!option) return;
    event.preventDefault(); // keep the focus in the search box
    choose(option);
  });

  document.addEventListener("focusout", (event) => {
    if (event.target.id !== "client-query") return;
    setTimeout(() => { if (document.activeElement?.id !== "client-query") hideOptions(); }, 150);
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Each (re)drawn calendar: keep the scroll position across refreshes and navigation, start at 07:00 otherwise.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target?.id === "calendar-region") savedScroll = $("#calendar-scroll")?.scrollTop ?? null;
  });

  // Once placed, the drawing is marked data-ready (what the browser tests wait for before they measure or drag).
  htmx.onLoad((root) => {
    if (root.id !== "calendar-region" && root !== document.body) return;
    const calendar = root.id === "calendar-region" ? root : region();
    const scroller = $("#calendar-scroll", root);
    if (!scroller) {
      savedScroll = null;
    } else if (savedScroll !== null) {
      scroller.scrollTop = savedScroll;
      savedScroll = null;
    } else {
      let top = 7 * 4 * SLOT_PX - SLOT_PX; // 06:45, so the 07:00 label shows
      const now = $("[data-now-line]", scroller);
      if (now) {
        const y = now.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
        if (y > top + scroller.clientHeight - 4 * SLOT_PX) top = y - scroller.clientHeight / 2;
      }
      scroller.scrollTop = top;
    }
    if (calendar) calendar.dataset.ready = "true";
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Live: the server pushes "appointments-changed" (server-sent events) when this practice's calendar changes in another
  // tab, on another device or through the API, and the calendar redraws. A redraw waits while it would get in the way
  // (a drag, an open dialog, a request in flight, a hidden tab) and happens as soon as that ends. A live redraw is sent
  // as unattended, so it does not keep an idle session alive: a screen left open still signs out on time, and the
  // next redraw after that takes it to the sign-in page. The "now" line follows the clock.
  const refreshCalendar = () => { if (region()) htmx.trigger(document.body, "calendar-refresh"); };
  let unattendedRedraw = false;
  document.addEventListener("htmx:configRequest", (event) => {
    if (!unattendedRedraw || event.detail.elt !== region()) return;
    unattendedRedraw = false;
    event.detail.headers["X-PazPaz-Unattended"] = "1";
  });
  let stale = false;
  let staleTimer = null;

  // What the page did with live changes, for anyone watching it (the browser tests wait on these rather than on time):
  // <body data-live-changes="N" data-live-held="N" data-live-redraws="N" data-live-waiting="true|false"> (changes announced,
  // redraws put off because something was in the way, redraws made, a redraw still owed).

  function markStale() {
    stale = true;
    document.body.dataset.liveWaiting = "true";
    clearTimeout(staleTimer);
    staleTimer = setTimeout(refreshIfStale, LIVE_DEBOUNCE_MS); // a burst of changes, one redraw
  }

  function refreshIfStale() {
    if (!stale || !region()) return;
    if (document.hidden || drag || requestsInFlight > 0 || $("dialog[open]")) {
      count("liveHeld"); // something is in the way: the redraw waits for it to end
      return;
    }
    stale = false;
    document.body.dataset.liveWaiting = "false";
    count("liveRedraws");
    unattendedRedraw = true;
    refreshCalendar();
  }

  const active = () => {
    if (stale) setTimeout(refreshIfStale, 0); // after the page's own handlers (a drop ends the drag)
  };
  ["pointermove", "pointerup", "wheel", "scroll", "touchstart", "keydown"].forEach((type) =>
    document.addEventListener(type, active, { passive: true, capture: true }));
  document.addEventListener("htmx:beforeRequest", () => { requestsInFlight++; });
  document.addEventListener("htmx:afterRequest", () => {
    requestsInFlight = Math.max(0, requestsInFlight - 1);
    if (stale) setTimeout(refreshIfStale, 0);
  });
  document.addEventListener("close", () => { if (stale) setTimeout(refreshIfStale, 0); }, true);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) active(); });

  // The stream sets retry: and ids, and EventSource reconnects by itself sending Last-Event-ID, so the server announces at
  // once whatever changed in between. Only when the browser gives up (an error page from a proxy, a restart) do we open
  // a new stream ourselves, a little later each time, and then redraw once: what we missed meanwhile is unknown.
  let reopenDelay = REOPEN_MS;
  function openStream(url, afterGap) {
    const stream = new EventSource(url);
    stream.addEventListener("appointments-changed", () => {
      count("liveChanges");
      markStale();
    });
    stream.addEventListener("open", () => {
      reopenDelay = REOPEN_MS;
      if (afterGap) markStale();
      afterGap = false;
    });
    stream.addEventListener("error", () => {
      if (stream.readyState !== EventSource.CLOSED) return; // reconnecting by itself
      setTimeout(() => openStream(url.split("?")[0], true), reopenDelay);
      reopenDelay = Math.min(reopenDelay * 2, 60000);
    });
  }
  if (first && first.dataset.liveUrl && "EventSource" in window) openStream(first.dataset.liveUrl, false);

  // The now line follows the server's clock, not the device's (a phone's clock may be minutes off): the page says what
  // the time was when it was drawn. It moves on each minute; when the practice's day changes, the calendar redraws so
  // "today" moves with it.
  let serverSkew = first && first.dataset.now ? +first.dataset.now - Date.now() : 0;
  const serverNow = () => Date.now() + serverSkew;
  htmx.onLoad((root) => {
    const calendar = root.id === "calendar-region" ? root : $("#calendar-region", root);
    if (calendar && calendar.dataset.now) serverSkew = +calendar.dataset.now - Date.now();
  });

  function zoneClock(timeZone) {
    const parts = new Intl.DateTimeFormat("en-GB", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(serverNow()));
    const value = (type) => parts.find((p) => p.type === type)?.value || "00";
    return { date: `${value("year")}-${value("month")}-${value("day")}`, minutes: +value("hour") * 60 + +value("minute") };
  }

  function tick() {
    const calendar = region();
    if (calendar) {
      const now = zoneClock(calendar.dataset.timeZone);
      if (calendar.dataset.today && now.date !== calendar.dataset.today) {
        markStale(); // a new day in the practice: redraw when nothing is in the way
      } else {
        const line = $("[data-now-line]");
        if (line) {
          line.style.gridRowStart = String(Math.floor(now.minutes / SNAP) + 1);
          line.style.marginTop = `${((now.minutes % SNAP) * SLOT_PX) / SNAP}px`;
        }
      }
    }
    setTimeout(tick, 60000 - (serverNow() % 60000) + 50); // just after the next minute starts
  }
  if (first) setTimeout(tick, 60000 - (serverNow() % 60000) + 50);
})();
