// Moves focus to the error summary so screen-reader and keyboard users hear what to fix.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

// Print buttons (no inline handlers: the content security policy forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// A second click on a form's button within two seconds is a double click, not a second
// request (the server also recognises a repeated booking: this spares the others).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.method !== "post") return;
  const last = Number(form.dataset.submittedAt || 0);
  if (Date.now() - last < 2000) {
    event.preventDefault();
    return;
  }
  form.dataset.submittedAt = String(Date.now());
});
