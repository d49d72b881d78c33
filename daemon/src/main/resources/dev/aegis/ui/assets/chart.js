// A stacked bar chart drawn as SVG: one bar per time bucket, one colour per group.
// No library, no inline style: colours come from the stylesheet's classes c0..c9.
"use strict";
window.AegisChart = (function () {
  const NS = "http://www.w3.org/2000/svg";
  const W = 900, H = 220, LEFT = 84, BOTTOM = 22, TOP = 8;

  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // series: {buckets: [t...], groups: [name...], values: {t: {group: number}}}
  // colourOf(group) -> class name; format(number) -> label
  function stacked(container, series, colourOf, format) {
    container.textContent = "";
    const svg = el("svg", {viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img"});
    const totals = series.buckets.map(t => Object.values(series.values[t] || {}).reduce((a, b) => a + b, 0));
    const max = Math.max(0, ...totals) || 1;
    const plotH = H - BOTTOM - TOP, plotW = W - LEFT;
    for (let i = 0; i <= 4; i++) {
      const y = TOP + plotH - plotH * i / 4;
      svg.appendChild(el("line", {x1: LEFT, x2: W, y1: y, y2: y, class: "grid"}));
      svg.appendChild(el("text", {x: LEFT - 4, y: y + 3, "text-anchor": "end", class: "axis"}, format(max * i / 4)));
    }
    const n = Math.max(series.buckets.length, 1);
    const slot = plotW / n, barW = Math.max(1, slot * 0.8);
    const labelEvery = Math.ceil(n / 12);
    series.buckets.forEach((t, i) => {
      let y = TOP + plotH;
      const x = LEFT + i * slot + (slot - barW) / 2;
      for (const g of series.groups) {
        const v = (series.values[t] || {})[g] || 0;
        if (v <= 0) continue;
        const h = plotH * v / max;
        y -= h;
        const rect = el("rect", {x: x, y: y, width: barW, height: Math.max(h, 0.5), class: colourOf(g)});
        rect.appendChild(el("title", {}, `${t} ${g}: ${format(v)}`));
        svg.appendChild(rect);
      }
      if (i % labelEvery === 0) {
        svg.appendChild(el("text", {x: x + barW / 2, y: H - 6, "text-anchor": "middle", class: "axis"}, shortTime(t)));
      }
    });
    if (series.buckets.length === 0) {
      svg.appendChild(el("text", {x: W / 2, y: H / 2, "text-anchor": "middle", class: "axis"}, "no calls in this period"));
    }
    container.appendChild(svg);
  }

  function shortTime(t) {
    // 2026-12-04T10:00:00Z -> 12-04 10h for hours, 12-04 for days
    const m = /^\d{4}-(\d{2}-\d{2})T(\d{2}):00:00Z$/.exec(t);
    if (!m) return t;
    return m[2] === "00" ? m[1] : `${m[1]} ${m[2]}h`;
  }

  return {stacked: stacked};
})();
