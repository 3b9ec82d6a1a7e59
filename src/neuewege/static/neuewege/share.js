// The parent's booking page: a button that shares the personal link (the phone's share sheet,
// e.g. to a messenger or a note) or, where the browser cannot share, copies it. Without this
// script the button stays hidden; the link above it is visible and can be selected.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-share]");
  const link = document.getElementById("personal-link");
  if (!box || !link) return;
  const button = box.querySelector("[data-share-button]");
  const label = button.querySelector("[data-share-label]");
  const status = box.querySelector("[data-share-status]");
  const data = { title: box.dataset.shareTitle, text: box.dataset.shareText, url: link.href };
  const canShare = typeof navigator.share === "function" && (!navigator.canShare || navigator.canShare(data));
  if (!canShare && !(navigator.clipboard && window.isSecureContext)) return;
  if (canShare) label.textContent = label.dataset.shareLabel;
  box.hidden = false;
  button.addEventListener("click", async () => {
    status.textContent = "";
    if (canShare) {
      try {
        await navigator.share(data);
      } catch (error) {
        // the parent closed the share sheet: nothing to say
      }
      return;
    }
    try {
      await navigator.clipboard.writeText(link.href);
      status.textContent = status.dataset.shareCopied;
    } catch (error) {
      status.textContent = status.dataset.shareFailed;
    }
  });
});
