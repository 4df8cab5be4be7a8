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
});
