/**
 * Hand-written SVG plot of an evaluation: left, attack recall against legitimate false-positive
 * rate for each system (the trade-off); right, attacker yield per campaign for each system.
 */
import type { EvalResult } from "./metrics.js";

const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The plot as an SVG document. */
export function renderSvg(r: EvalResult, title: string): string {
  const W = 980;
  const H = 420;
  const p = { l: 60, t: 50, w: 360, h: 300 };
  const q = { l: 520, t: 50, w: 420, h: 300 };
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  );
  // Left panel: recall vs FPR.
  const maxX = Math.max(0.05, ...r.systems.map((s) => s.legit_fpr)) * 1.15;
  const x = (v: number): number => p.l + (v / maxX) * p.w;
  const y = (v: number): number => p.t + p.h - v * p.h;
  parts.push(`<rect x="${p.l}" y="${p.t}" width="${p.w}" height="${p.h}" fill="none" stroke="#333"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = i / 4;
    parts.push(`<line x1="${p.l}" x2="${p.l + p.w}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
    parts.push(`<text x="${p.l - 6}" y="${y(v) + 4}" text-anchor="end">${(v * 100).toFixed(0)}%</text>`);
    const xv = (maxX * i) / 4;
    parts.push(
      `<text x="${x(xv)}" y="${p.t + p.h + 16}" text-anchor="middle">${(xv * 100).toFixed(1)}%</text>`,
    );
  }
  parts.push(
    `<text x="${p.l + p.w / 2}" y="${p.t + p.h + 36}" text-anchor="middle">legitimate accounts enforced (FPR)</text>`,
  );
  parts.push(
    `<text transform="translate(16 ${p.t + p.h / 2}) rotate(-90)" text-anchor="middle">attack accounts enforced (recall)</text>`,
  );
  const placed: [number, number][] = [];
  r.systems.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const cx = x(s.legit_fpr);
    const cy = y(s.recall);
    parts.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="6" fill="${c}"/>`);
    // Nudge labels of nearby points apart so they stay readable.
    let ly = cy - 6;
    while (placed.some(([px, py]) => Math.abs(px - cx) < 90 && Math.abs(py - ly) < 13)) ly -= 13;
    placed.push([cx, ly]);
    parts.push(`<text x="${(cx + 9).toFixed(1)}" y="${ly.toFixed(1)}" fill="${c}">${esc(s.name)}</text>`);
  });
  // Right panel: grouped bars of yield per campaign.
  const camps = Object.keys(r.campaigns).sort();
  parts.push(`<rect x="${q.l}" y="${q.t}" width="${q.w}" height="${q.h}" fill="none" stroke="#333"/>`);
  const gy = (v: number): number => q.t + q.h - v * q.h;
  for (let i = 0; i <= 4; i++) {
    const v = i / 4;
    parts.push(`<line x1="${q.l}" x2="${q.l + q.w}" y1="${gy(v)}" y2="${gy(v)}" stroke="#eee"/>`);
    parts.push(`<text x="${q.l - 6}" y="${gy(v) + 4}" text-anchor="end">${(v * 100).toFixed(0)}%</text>`);
  }
  const groupW = q.w / Math.max(1, camps.length);
  const barW = Math.max(2, (groupW - 12) / Math.max(1, r.systems.length));
  camps.forEach((c, gi) => {
    const gx = q.l + gi * groupW + 6;
    r.systems.forEach((s, si) => {
      const v = s.yield_by_campaign[c] ?? 0;
      parts.push(
        `<rect x="${(gx + si * barW).toFixed(1)}" y="${gy(v).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(q.t + q.h - gy(v)).toFixed(1)}" fill="${COLORS[si % COLORS.length]}"/>`,
      );
    });
    parts.push(
      `<text x="${(gx + groupW / 2 - 6).toFixed(1)}" y="${q.t + q.h + 16}" text-anchor="middle" font-size="10">${esc(c.replace(/^camp-/, ""))}</text>`,
    );
  });
  parts.push(
    `<text x="${q.l + q.w / 2}" y="${q.t + q.h + 36}" text-anchor="middle">attacker yield per campaign (lower is better)</text>`,
  );
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
