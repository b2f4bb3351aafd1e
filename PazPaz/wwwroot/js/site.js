// PazPaz page behaviour. No inline scripts anywhere: the CSP forbids them, so everything lives here.
document.addEventListener("DOMContentLoaded", () => {
  // Flash messages fade after a while; errors stay until the user acts.
  document.querySelectorAll("#flash [role=status]").forEach((el) => {
    setTimeout(() => el.remove(), 8000);
  });
});
