// Small reader-facing fixes, loaded (deferred) on every page.
(() => {
  // A block that scrolls sideways (a code block, a wide table, a diagram) must take keyboard
  // focus, or keyboard users cannot scroll it (WCAG 2.1.1).
  const focusIfScrolls = (el) => {
    if (el.scrollWidth > el.clientWidth + 1) {
      el.setAttribute("tabindex", "0");
    } else if (el.getAttribute("tabindex") === "0") {
      el.removeAttribute("tabindex");
    }
  };
  const SCROLLERS = "div.highlight > pre, .table-wrapper, .diagram, pre.mermaid";

  // Keep diagram labels legible: a diagram that Mermaid draws in the browser (one whose SVGs
  // `nox -s diagrams` has not made yet) shrinks to fit the column, but never below 75% of its
  // natural size; past that its block scrolls sideways. Pre-drawn diagrams do this with CSS.
  const MIN_SCALE = 0.75;
  const fit = (pre) => {
    const svg = pre && pre.querySelector(":scope > svg");
    const box = svg && svg.viewBox && svg.viewBox.baseVal;
    if (!box || !box.width) return;
    const scale = Math.max(MIN_SCALE, Math.min(1, pre.clientWidth / box.width));
    svg.style.width = `${Math.round(box.width * scale)}px`;
    focusIfScrolls(pre);
  };

  const refresh = () => {
    document.querySelectorAll("pre.mermaid").forEach(fit);
    document.querySelectorAll(SCROLLERS).forEach(focusIfScrolls);
  };

  document.addEventListener("DOMContentLoaded", () => {
    refresh();
    window.addEventListener("resize", refresh);
    // Mermaid inserts each SVG, then (for some diagram types) sets its viewBox: watch both.
    const observer = new MutationObserver((records) =>
      records.forEach((r) => fit(r.target.closest ? r.target.closest("pre.mermaid") : null)));
    const watch = { childList: true, subtree: true, attributes: true, attributeFilter: ["viewBox"] };
    document.querySelectorAll("pre.mermaid").forEach((pre) => observer.observe(pre, watch));
  });
})();
