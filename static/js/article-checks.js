/*
 * The article checks in the editor's Checks panel (blog/editor.py). Wagtail stores what the
 * editor has typed each time its preview updates; the checks are fetched from beside the
 * preview's URL and shown while the Checks panel is open. They only warn: nothing here stops
 * saving or submitting.
 */
function setUpArticleChecks() {
  const panel = document.querySelector('[data-side-panel="checks"]');
  const results = document.querySelector("[data-article-checks]");
  const preview = document.querySelector('[data-controller~="w-preview"]');
  if (!panel || !results || !preview) return;
  const count = document.querySelector("[data-article-checks-count]");
  const level = document.querySelector("[data-article-reading-level]");
  let pending = null;

  async function refresh() {
    if (panel.hidden) return;
    pending?.abort();
    pending = new AbortController();
    const url = new URL("checks/", new URL(preview.dataset.wPreviewUrlValue, window.location.href));
    results.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { signal: pending.signal, credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      results.innerHTML = await response.text();
      const result = results.querySelector("[data-article-checks-result]");
      if (count) {
        count.textContent = result.dataset.warnings;
        count.classList.toggle("has-errors", result.dataset.warnings !== "0");
      }
      if (level) level.textContent = result.dataset.readingLevel;
    } catch (error) {
      if (error.name !== "AbortError") results.textContent = results.dataset.errorMessage;
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  panel.addEventListener("show", refresh);
  document.addEventListener("w-preview:updated", refresh);
  refresh();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setUpArticleChecks);
} else {
  setUpArticleChecks();
}
