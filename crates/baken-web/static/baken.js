// Baken's own small enhancements. Every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Filter forms marked data-auto-submit submit when a select changes.
  for (const form of document.querySelectorAll("form[data-auto-submit]")) {
    for (const select of form.querySelectorAll("select")) {
      select.addEventListener("change", () => form.requestSubmit());
    }
  }
  // Move focus to the error summary after a failed submit, so screen readers announce it.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  // Print buttons (the print stylesheet leaves the navigation and filters out).
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  // Copy buttons next to a one-time secret (an API token).
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      if (source && navigator.clipboard) {
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = button.dataset.copied || button.textContent;
      }
    });
  }
  // Live preview of a letter template: the form's own preview action, run as the text is
  // typed; without JavaScript the "Voorbeeld" button does the same with a page load.
  for (const form of document.querySelectorAll("form[data-live-preview]")) {
    const target = document.querySelector("[data-preview]");
    const text = form.querySelector("textarea");
    if (!target || !text) continue;
    let timer = null;
    text.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const body = new URLSearchParams(new FormData(form));
        body.set("actie", "voorbeeld");
        const response = await fetch(form.dataset.livePreview, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        });
        const html = await response.text();
        const page = new DOMParser().parseFromString(html, "text/html");
        const preview = page.querySelector("[data-preview]");
        const error = page.querySelector("[data-error-summary]");
        target.textContent = error ? error.textContent.trim() : preview ? preview.textContent : "";
      }, 400);
    });
  }
});
