// The idle warning. The server ends a session after data-idle-seconds without activity (PazPaz:SessionIdleMinutes,
// rendered into #idle-banner); about two minutes before, this shows the banner, whose "Stay signed in" is an ordinary
// POST that counts as activity. When the time is up the page goes to the sign-in page. Activity in another tab of the
// same browser counts too (shared through localStorage), as the server sees it as activity of the same session.
(() => {
  const banner = document.getElementById("idle-banner");
  if (!banner) return;
  const idleMs = Number(banner.dataset.idleSeconds) * 1000;
  const warnMs = Number(banner.dataset.warnSeconds) * 1000;
  const key = "pazpaz.last-activity";
  const form = banner.querySelector("form");
  let last = Date.now();

  const noteActivity = () => {
    last = Date.now();
    try { localStorage.setItem(key, String(last)); } catch { /* private mode: this tab alone */ }
    banner.hidden = true;
  };
  const lastActivity = () => {
    let shared = 0;
    try { shared = Number(localStorage.getItem(key)) || 0; } catch { /* ignore */ }
    return Math.max(last, shared);
  };

  noteActivity();
  // Requests the page makes by itself (marked X-PazPaz-Unattended) leave the session idle on the server, so here too.
  document.addEventListener("htmx:afterRequest", (event) => {
    const headers = event.detail?.requestConfig?.headers || {};
    if (!headers["X-PazPaz-Unattended"] && event.detail?.successful) noteActivity();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual" });
      if (response.ok) { noteActivity(); return; }
    } catch { /* fall through */ }
    window.location.assign("/sign-in");
  });

  setInterval(() => {
    const left = idleMs - (Date.now() - lastActivity());
    if (left <= 0) window.location.assign("/sign-in");
    else if (left <= warnMs) banner.hidden = false;
    else banner.hidden = true;
  }, 1000);
})();
