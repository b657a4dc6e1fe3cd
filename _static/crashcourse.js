// Small reader-facing fixes, loaded (deferred) on every page.
(() => {
  // A block that scrolls sideways (a code block, a wide table, a diagram) must take keyboard
  // focus, or keyboard users cannot scroll it (WCAG 2.1.1). In it, the Left and Right arrows must
  // scroll it, not turn the page as they do elsewhere on the page (navigation_with_keys, conf.py).
  const scrolls = (el) => el.scrollWidth > el.clientWidth + 1;
  const keyed = new WeakSet();
  const focusIfScrolls = (el) => {
    if (scrolls(el)) {
      el.setAttribute("tabindex", "0");
    } else if (el.getAttribute("tabindex") === "0") {
      el.removeAttribute("tabindex");
    }
    if (!keyed.has(el)) {
      keyed.add(el);
      el.addEventListener("keydown", (event) => {
        if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && scrolls(el)) event.stopPropagation();
      });
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

  // A diagram wider than its column (on a phone, most are) is cut off at the column's edge, and a
  // phone shows no scroll bar until it scrolls: say that it does. Its block becomes a focusable
  // region, named by the diagram's title and described by a hint beneath it; `data-scroll` (start,
  // middle or end) tells the CSS which edges to fade, where more of the diagram is hidden.
  const DIAGRAMS = ".diagram, pre.mermaid";
  const HINT = "Scroll sideways to see the whole diagram";
  let hints = 0;
  const watched = new WeakSet();
  const where = (block) => {
    const end = block.scrollWidth - block.clientWidth;
    block.dataset.scroll = block.scrollLeft < 1 ? "start" : block.scrollLeft > end - 1 ? "end" : "middle";
  };
  const cue = (block) => {
    const next = block.nextElementSibling;
    let hint = next && next.classList.contains("diagram-hint") ? next : null;
    if (!scrolls(block)) {
      if (hint) hint.remove();
      ["data-scroll", "role", "aria-labelledby", "aria-label", "aria-describedby"].forEach((a) => block.removeAttribute(a));
      return;
    }
    if (!hint) {
      hint = document.createElement("p");
      hint.className = "diagram-hint";
      hint.id = `diagram-hint-${++hints}`;
      hint.setAttribute("aria-hidden", "true"); // read as the region's description instead
      hint.textContent = `\u2194 ${HINT}`; // ↔
      block.after(hint);
    }
    const title = block.querySelector(":scope > svg > title[id]");
    block.setAttribute("role", "region");
    if (title) block.setAttribute("aria-labelledby", title.id);
    else block.setAttribute("aria-label", "Diagram");
    block.setAttribute("aria-describedby", hint.id);
    if (!watched.has(block)) {
      watched.add(block);
      block.addEventListener("scroll", () => where(block), { passive: true });
    }
    where(block);
  };

  const refresh = () => {
    document.querySelectorAll("pre.mermaid").forEach(fit);
    document.querySelectorAll(SCROLLERS).forEach(focusIfScrolls);
    document.querySelectorAll(DIAGRAMS).forEach(cue);
  };

  document.addEventListener("DOMContentLoaded", () => {
    refresh();
    window.addEventListener("resize", refresh);
    // Mermaid inserts each SVG, then (for some diagram types) sets its viewBox: watch both.
    const observer = new MutationObserver((records) =>
      records.forEach((r) => {
        const pre = r.target.closest ? r.target.closest("pre.mermaid") : null;
        fit(pre);
        if (pre) cue(pre);
      }));
    const watch = { childList: true, subtree: true, attributes: true, attributeFilter: ["viewBox"] };
    document.querySelectorAll("pre.mermaid").forEach((pre) => observer.observe(pre, watch));
  });
})();
