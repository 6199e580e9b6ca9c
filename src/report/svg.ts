// A plan as a self-contained SVG: layers along x, one bar per node over the layers it holds
// (coloured by GPU type, grouped by region), flows between nodes as curves whose width follows
// tokens/s. Saturated nodes and links are outlined in red. Pure: (plan) => string.

import type { Plan, PlanNode } from '../plan/types.js';
import { maxFlowCounting, tokens } from './format.js';
import { tradedForDelivery } from './plan-table.js';
import { DEFAULT_WORKLOAD } from '../spec/workload-name.js';
import { formatLayerRange } from '../spec/layer-range.js';

// Tableau's 20 colours without its two reds, which the saturated outline uses: 18 GPU types get
// colours of their own (the bundled catalog has 19; a cluster rarely mixes more than a few).
const PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#bab0ac', '#499894',
  '#a0cbe8', '#ffbe7d', '#8cd17d', '#d4a6c8', '#86bcb6', '#f1ce63', '#d7b5a6', '#79706e', '#d37295',
];
const ROW = 20;
const TOP = 70;
/** The chart's own width (layers axis), whatever the labels beside it take. */
const CHART = 790;
/** Approximate width of one character of 11 px Helvetica, for laying out text without a renderer. */
const CHAR = 6.4;
const LEGEND_ROW = 18;

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
const saturated = (flow: number, capacity: number) => capacity > 0 && flow >= capacity * 0.999;

export function renderSvg(plan: Plan): string {
  const L = plan.cluster.layers;
  // The label column is as wide as the longest label (long names were cut at the left edge).
  const labelOf = (n: PlanNode) => `${n.name} (${n.gpu})`;
  const LEFT = Math.max(190, Math.ceil(40 + CHAR * Math.max(0, ...plan.nodes.map((n) => labelOf(n).length))));
  const WIDTH = LEFT + CHART + 120;
  const right = WIDTH - 120;
  const x = (layer: number) => LEFT + ((right - LEFT) * layer) / L;
  const regions = [...new Set(plan.nodes.map((n) => n.region))].sort();
  const gpus = [...new Set(plan.nodes.map((n) => n.gpu))].sort();
  const colour = (gpu: string) => PALETTE[gpus.indexOf(gpu) % PALETTE.length];

  // Rows: regions in order, nodes by start layer within a region, unused nodes last.
  const rows: PlanNode[] = [];
  const bands: { region: string; from: number; to: number }[] = [];
  for (const region of regions) {
    const from = rows.length;
    // Names in natural order: t4-9 before t4-10.
    rows.push(...plan.nodes.filter((n) => n.region === region).sort((a, b) => (a.start ?? Infinity) - (b.start ?? Infinity) || a.name.localeCompare(b.name, 'en', { numeric: true })));
    bands.push({ region, from, to: rows.length });
  }
  const rowOf = new Map(rows.map((n, i) => [n.name, i]));
  // Each region band starts with a gap that holds its name.
  const bandOf = (i: number) => (i >= rows.length ? bands.length - 1 : bands.findIndex((b) => i >= b.from && i < b.to));
  const y = (i: number) => TOP + i * ROW + (bandOf(i) + 1) * 18;
  // The legend wraps onto as many rows as its entries need (nine types once ran off the picture).
  const legendItems = [...gpus.map((g) => ({ text: g, colour: colour(g) as string | null })), { text: 'red outline: saturated', colour: null }];
  const legend: { text: string; colour: string | null; x: number; row: number }[] = [];
  let lx = 16;
  let lrow = 0;
  for (const item of legendItems) {
    const w = (item.colour ? 16 : 0) + CHAR * item.text.length + 24;
    if (lx + w > WIDTH - 16 && lx > 16) {
      lrow++;
      lx = 16;
    }
    legend.push({ ...item, x: lx, row: lrow });
    lx += w;
  }
  const height = y(rows.length) + 40 + (lrow + 1) * LEGEND_ROW;
  const maxFlow = Math.max(1e-9, ...plan.flows.map((f) => f.flow));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${esc(`helix plan for ${plan.cluster.name}`)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="bold">${esc(`${plan.cluster.name}: ${plan.cluster.model}, ${headline(plan)}`)}</text>`,
    `<text x="16" y="42" fill="#555">${esc(`max flow ${tokens(plan.throughput)} of a bound of ${tokens(plan.bound.value)} (${plan.bound.source})${maxFlowCounting(plan.settings.workload) ? `, in ${DEFAULT_WORKLOAD} tokens` : ''}, gap ${(plan.gap * 100).toFixed(2)}%${tradedForDelivery(plan) ? ' (traded for delivery)' : ''}, ${plan.depth} stages, status ${plan.status}`)}</text>`,
  ];
  // Layer axis.
  for (let l = 0; l <= L; l += Math.max(1, Math.round(L / 16))) {
    out.push(`<line x1="${x(l)}" y1="${TOP - 8}" x2="${x(l)}" y2="${y(rows.length) + 10}" stroke="#eee"/>`, `<text x="${x(l)}" y="${TOP - 12}" text-anchor="middle" fill="#777">${l}</text>`);
  }
  // Region bands.
  for (const b of bands) {
    out.push(`<text x="16" y="${y(b.from) - 5}" font-weight="bold" fill="#333">${esc(b.region)}</text>`);
  }
  // Flows under the bars.
  for (const f of plan.flows) {
    const w = (0.6 + (7 * f.flow) / maxFlow).toFixed(2);
    const stroke = saturated(f.flow, f.capacity) ? '#d62728' : '#888';
    const title = `<title>${esc(`${f.from} -> ${f.to}: ${tokens(f.flow)} of ${tokens(f.capacity)} tokens/s`)}</title>`;
    if (f.from === 'source' || f.to === 'sink') {
      const node = plan.nodes.find((n) => n.name === (f.from === 'source' ? f.to : f.from));
      const r = node ? rowOf.get(node.name) : undefined;
      if (r === undefined) continue;
      const cy = y(r) + ROW / 2 - 2;
      const [x1, x2] = f.from === 'source' ? [x(0) - 18, x(0)] : [x(L), x(L) + 18];
      out.push(`<line x1="${x1}" y1="${cy}" x2="${x2}" y2="${cy}" stroke="${stroke}" stroke-width="${w}" opacity="0.7">${title}</line>`);
      continue;
    }
    const a = plan.nodes.find((n) => n.name === f.from);
    const b = plan.nodes.find((n) => n.name === f.to);
    if (!a || !b || a.end === null || b.start === null) continue;
    const x1 = x(a.end);
    const y1 = y(rowOf.get(a.name)!) + ROW / 2 - 2;
    const y2 = y(rowOf.get(b.name)!) + ROW / 2 - 2;
    out.push(`<path d="M${x1},${y1} C${x1 + 25},${y1} ${x1 - 25},${y2} ${x1},${y2}" fill="none" stroke="${stroke}" stroke-width="${w}" opacity="0.55">${title}</path>`);
  }
  // Node bars and labels.
  rows.forEach((n, i) => {
    const top = y(i);
    const label = labelOf(n);
    out.push(`<text x="${LEFT - 24}" y="${top + 12}" text-anchor="end" fill="${n.start === null ? '#aaa' : '#222'}">${esc(label)}</text>`);
    if (n.start === null || n.end === null) {
      out.push(`<text x="${LEFT}" y="${top + 12}" fill="#aaa">unused</text>`);
      return;
    }
    const full = saturated(n.flow, n.capacity);
    const tip = `${n.name}: layers ${formatLayerRange({ start: n.start, end: n.end })}, ${tokens(n.flow)} of ${tokens(n.capacity)} tokens/s`;
    out.push(
      `<rect x="${x(n.start)}" y="${top}" width="${Math.max(1, x(n.end) - x(n.start))}" height="${ROW - 5}" rx="2" fill="${colour(n.gpu)}" fill-opacity="${(0.35 + 0.65 * (n.capacity > 0 ? n.flow / n.capacity : 0)).toFixed(2)}" stroke="${full ? '#d62728' : '#333'}" stroke-width="${full ? 2 : 0.5}"><title>${esc(tip)}</title></rect>`,
    );
  });
  // Legend.
  const ly = y(rows.length) + 30;
  for (const item of legend) {
    const top = ly + item.row * LEGEND_ROW;
    if (item.colour) out.push(`<rect x="${item.x}" y="${top}" width="12" height="12" fill="${item.colour}"/>`, `<text x="${item.x + 16}" y="${top + 10}">${esc(item.text)}</text>`);
    else out.push(`<text x="${item.x}" y="${top + 10}" fill="#d62728">${esc(item.text)}</text>`);
  }
  out.push('</svg>', '');
  return out.join('\n');
}

/**
 * What the plan serves, as its summary gives it: a delivered plan's prediction (and the simulation
 * that chose it) comes first, since it gives up max flow on purpose; others lead with max flow.
 */
function headline(plan: Plan): string {
  const d = plan.delivered;
  const workload = plan.settings.workload ?? DEFAULT_WORKLOAD;
  const counting = maxFlowCounting(workload);
  const units = counting ? ` (${counting})` : '';
  if (plan.settings.objective !== 'delivered' || !d) return `${tokens(plan.throughput)} tokens/s of max flow${units}${plan.settings.objective ? `, objective ${plan.settings.objective}` : ''}`;
  if (!(d.throughput > 0)) return `serves nothing (no request can be admitted), objective delivered`;
  const sim = d.simulated ? `, ${tokens(d.simulated.throughput)} simulated` : '';
  return `${tokens(d.throughput)} tokens/s of ${workload} requests predicted served${sim}, objective delivered`;
}
