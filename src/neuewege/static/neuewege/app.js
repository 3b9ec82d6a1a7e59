// Moves focus to the error summary so screen-reader and keyboard users hear what to fix.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
});

// A long export's page, reached from the download (core/exporters.py): once the file is made
// (the page reloads when the polled work has finished), the download starts by itself — one
// click for the person who asked. The status (role="status": read out) says so; the link stays
// for a second copy and without scripts. The address loses its marker: a reload, or coming
// back later, shows the link only.
document.addEventListener("DOMContentLoaded", () => {
  const link = document.querySelector("a[data-download-auto]");
  if (!link) return;
  const started = document.querySelector("[data-download-started]");
  if (started) started.hidden = false;
  window.history.replaceState(null, "", window.location.pathname);
  link.click();
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

// The region's menu behind the "Menu" button on narrow screens. Without scripts the button
// stays hidden and the menu is shown.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-menu-button]");
  const menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  menu.setAttribute("data-collapsible", "");
  button.hidden = false;
  const toggle = (open) => {
    button.setAttribute("aria-expanded", String(open));
    menu.toggleAttribute("data-open", open);
  };
  button.addEventListener("click", () => toggle(button.getAttribute("aria-expanded") !== "true"));
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      toggle(false);
      button.focus();
    }
  });
});

// The account's menu closes on Escape and on a click elsewhere.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.querySelector("[data-account-menu][open]");
  if (open) {
    open.open = false;
    open.querySelector("summary").focus();
  }
});
document.addEventListener("click", (event) => {
  for (const details of document.querySelectorAll("[data-account-menu][open]")) {
    if (!details.contains(event.target)) details.open = false;
  }
});
