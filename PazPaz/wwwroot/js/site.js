// PazPaz page behaviour. No inline scripts anywhere: the CSP forbids them, so everything lives here.
document.addEventListener("DOMContentLoaded", () => {
  // Flash messages fade after a while; errors stay until the user acts.
  document.querySelectorAll("#flash [role=status]").forEach((el) => {
    setTimeout(() => el.remove(), 8000);
  });
});

// Clients and settings: a form with data-confirm="Question?" asks before it submits (delete buttons).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// A button with data-print prints the page (the calendar's days on screen, a client's record); print: styles tidy it.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
