// Two model versions side by side: IoU-versus-clicks curves, NoC@85/90, mIoU@1/@5, ECE with a reliability diagram,
// a per-object table of deltas (each object links to the annotation map, zoomed to it), and each gate verdict.
import type { Ctx } from '../../app';
import { lineChart, reliabilityChart } from '../../models/charts';
import { clickSeries } from '../../models/plot';
import type { ModelVersionRow, ObjectDelta, SplitSide, VersionHead, VersionPair } from '../../types';
import { h } from '../../ui/dom';

export const COLORS = { a: '#b54708', b: '#1f6feb' };

/** Which figures are shown, and whether lower is better. */
const FIGURES: [keyof SplitSide['figures'], string, boolean][] = [
  ['NoC@85', 'NoC@85', true],
  ['NoC@90', 'NoC@90', true],
  ['mIoU@1', 'mIoU@1', false],
  ['mIoU@5', 'mIoU@5', false],
  ['ece_predicted_iou', 'ECE', true],
  ['n_objects', 'objects', false],
];

/** The pair to show first: the newest version with an evaluation against what it was compared with then. */
export function defaultPair(rows: ModelVersionRow[]): [number, number] | null {
  const evaluated = rows.filter((r) => r.held_out?.['NoC@85'] != null || r.benchmark?.['NoC@85'] != null);
  const b = evaluated[evaluated.length - 1];
  if (b && b.parent !== null) return [b.parent, b.id];
  if (rows.length >= 2) return [rows[rows.length - 2]!.id, rows[rows.length - 1]!.id];
  return null;
}

function fmt(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

function deltaCell(d: number | undefined, lowerBetter: boolean, testid?: string): HTMLElement {
  if (d === undefined || d === null) return h('td', {}, '');
  const better = lowerBetter ? d < 0 : d > 0;
  const cls = d === 0 ? '' : better ? 'better' : 'worse';
  return h('td', { class: `delta ${cls}`, 'data-testid': testid ?? null }, `${d > 0 ? '+' : ''}${fmt(d)}`);
}

function verdict(v: VersionHead): HTMLElement {
  const g = v.gate;
  const state = v.gate_passed === true ? 'passed' : v.gate_passed === false ? 'refused' : 'not run';
  return h('div', { class: `verdict ${state.replace(' ', '-')}`, 'data-testid': 'gate-verdict', 'data-version-id': v.id },
    h('strong', {}, `${v.name}: gate ${state}`),
    v.override_reason ? h('p', { class: 'muted' }, `Promoted against the gate: ${v.override_reason}`) : null,
    g && g.reasons.length ? h('ul', {}, ...g.reasons.map((r) => h('li', {}, r))) : h('p', { class: 'muted' }, 'No gate verdict recorded for this version (a base model, or never evaluated).'));
}

function zoomHref(projectId: number, o: ObjectDelta): string | null {
  const loc = o.location;
  if (!loc || loc.scene === null) return null;
  const [w, s, e, n] = loc.bbox;
  const pad = Math.max(e - w, n - s) * 0.5 + 1e-5;
  const box = [w - pad, s - pad, e + pad, n + pad].map((v) => v.toFixed(7)).join(',');
  return `#/projects/${projectId}/scenes/${loc.scene}/annotate?bbox=${box}`;
}

export function createComparePanel(ctx: Ctx, projectId: number, signal: AbortSignal, report: (err: unknown) => void): { el: HTMLElement; setVersions(rows: ModelVersionRow[], reselect?: boolean): void } {
  const selA = h('select', { 'data-testid': 'compare-a' });
  const selB = h('select', { 'data-testid': 'compare-b' });
  const body = h('div', { class: 'compare-body', 'data-testid': 'compare-body' });
  const el = h('section', { class: 'compare', 'data-testid': 'compare' },
    h('div', { class: 'row' }, h('span', { class: 'swatch', style: `background:${COLORS.a}` }), selA, 'versus',
      h('span', { class: 'swatch', style: `background:${COLORS.b}` }), selB),
    body);
  let rows: ModelVersionRow[] = [];
  let seq = 0;

  const options = (sel: HTMLSelectElement, value: number | null) => {
    sel.replaceChildren(...rows.map((r) => h('option', { value: r.id, selected: r.id === value }, `#${r.id} ${r.name}${r.in_use ? ' (in use)' : ''}`)));
  };
  selA.addEventListener('change', () => void show());
  selB.addEventListener('change', () => void show());

  async function show(): Promise<void> {
    const a = Number(selA.value);
    const b = Number(selB.value);
    if (!a || !b) {
      body.replaceChildren(h('p', { class: 'muted' }, 'Two versions are needed to compare.'));
      return;
    }
    const mine = ++seq;
    try {
      const pair = await ctx.api.modelVersionPair(projectId, a, b, signal);
      if (mine === seq) render(pair);
    } catch (err) {
      report(err);
    }
  }

  function render(pair: VersionPair): void {
    const parts: HTMLElement[] = [h('div', { class: 'verdicts' }, verdict(pair.a), verdict(pair.b))];
    parts.push(h('p', { class: 'muted', 'data-testid': 'compare-paired' }, pair.paired
      ? 'Both were scored in the same run on the same objects (deltas are right minus left).'
      : 'These versions were not scored in one run: each figure comes from its own evaluation, possibly on other objects.'));
    const splits = Object.entries(pair.splits);
    if (!splits.length) parts.push(h('p', { class: 'muted', 'data-testid': 'compare-empty' }, 'Neither version has an evaluation to compare yet.'));
    for (const [name, split] of splits) {
      const title = name === 'held_out' ? 'Held-out corrections' : 'Atlanta benchmark';
      const figs = h('table', { class: 'grid figures', 'data-testid': 'compare-figures', 'data-split': name },
        h('tr', {}, h('th', {}, ''), h('th', {}, pair.a.name), h('th', {}, pair.b.name), h('th', {}, 'Δ')),
        ...FIGURES.map(([key, label, lower]) => h('tr', { 'data-figure': key }, h('th', {}, label),
          h('td', {}, fmt(split.a?.figures[key])), h('td', {}, fmt(split.b?.figures[key])),
          key === 'n_objects' ? h('td', {}) : deltaCell(split.deltas[key], lower))));
      const series = [];
      if (split.a?.iou_curve.length) series.push({ name: `#${pair.a.id} ${pair.a.name}`.slice(0, 16), color: COLORS.a, points: clickSeries(split.a.iou_curve), dashed: true });
      if (split.b?.iou_curve.length) series.push({ name: `#${pair.b.id} ${pair.b.name}`.slice(0, 16), color: COLORS.b, points: clickSeries(split.b.iou_curve) });
      const maxClicks = Math.max(1, ...series.map((s) => s.points.length));
      const curve = series.length
        ? lineChart(series, { xLabel: 'clicks', yLabel: 'mean IoU', yDomain: [0, 1], xDomain: [1, Math.max(2, maxClicks)], markers: maxClicks <= 20, integerX: true, testid: 'iou-curve', width: 370, height: 240 })
        : h('p', { class: 'muted' }, 'No per-click curve stored (evaluated before curves were kept).');
      const sides = [];
      if (split.a?.reliability.length) sides.push({ name: `#${pair.a.id}`, color: COLORS.a, bins: split.a.reliability });
      if (split.b?.reliability.length) sides.push({ name: `#${pair.b.id}`, color: COLORS.b, bins: split.b.reliability });
      const reliability = sides.length ? reliabilityChart(sides, { testid: 'reliability', width: 370, height: 240 }) : h('p', { class: 'muted' }, 'No reliability bins stored.');
      parts.push(h('h3', {}, title), h('div', { class: 'compare-grid' }, figs, curve, reliability), objectTable(split.objects, name));
    }
    body.replaceChildren(...parts);
  }

  function objectTable(objects: ObjectDelta[], split: string): HTMLElement {
    if (!objects.length) return h('p', { class: 'muted' }, 'No object was scored for both versions.');
    const sorted = [...objects].sort((x, y) => (y.delta['NoC@85'] ?? 0) - (x.delta['NoC@85'] ?? 0));
    return h('details', { class: 'objects', open: split === 'held_out' },
      h('summary', {}, `Per object (${objects.length}), worst change first`),
      h('table', { class: 'grid', 'data-testid': 'object-deltas', 'data-split': split },
        h('tr', {}, ...['object', 'NoC@85', 'Δ', 'IoU@1', 'Δ', 'IoU@5', 'Δ', ''].map((t) => h('th', {}, t))),
        ...sorted.map((o) => {
          const href = zoomHref(projectId, o);
          return h('tr', { 'data-testid': 'object-delta', 'data-label': o.label },
            h('td', {}, o.label),
            h('td', {}, `${fmt(o.a['NoC@85'])} → ${fmt(o.b['NoC@85'])}`), deltaCell(o.delta['NoC@85'], true),
            h('td', {}, `${fmt(o.a['iou@1'])} → ${fmt(o.b['iou@1'])}`), deltaCell(o.delta['iou@1'], false),
            h('td', {}, `${fmt(o.a['iou@5'])} → ${fmt(o.b['iou@5'])}`), deltaCell(o.delta['iou@5'], false),
            h('td', {}, href ? h('a', { href, 'data-testid': 'object-zoom' }, 'show on map') : h('span', { class: 'muted' }, o.location ? 'not in a scene of this project' : '')));
        })));
  }

  return {
    el,
    setVersions(next: ModelVersionRow[], reselect = false) {
      const had = reselect ? 0 : rows.length;
      rows = next;
      const pick = defaultPair(rows);
      const a = had && rows.some((r) => r.id === Number(selA.value)) ? Number(selA.value) : pick?.[0] ?? null;
      const b = had && rows.some((r) => r.id === Number(selB.value)) ? Number(selB.value) : pick?.[1] ?? null;
      options(selA, a);
      options(selB, b);
      void show();
    },
  };
}
