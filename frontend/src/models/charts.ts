// Small SVG charts drawn by hand (no chart library): a line chart with several series and a reliability diagram.
import { extent, linePath, linearScale, niceTicks } from './plot';

const NS = 'http://www.w3.org/2000/svg';

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...kids: (SVGElement | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const kid of kids) el.append(kid);
  return el;
}

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

export interface ChartOptions {
  width?: number;
  height?: number;
  xLabel: string;
  yLabel: string;
  /** Fixed y domain (e.g. [0, 1] for IoU); else the data's extent. */
  yDomain?: [number, number];
  xDomain?: [number, number];
  testid?: string;
  /** Draw a marker on every point (short series). */
  markers?: boolean;
  /** The x axis counts things (clicks, steps): whole-number ticks only. */
  integerX?: boolean;
}

const M = { top: 24, right: 14, bottom: 38, left: 52 };

function fmt(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(v) : v.toPrecision(2);
}

function axes(svg: SVGSVGElement, x: ReturnType<typeof linearScale>, y: ReturnType<typeof linearScale>, o: Pick<ChartOptions, 'xLabel' | 'yLabel' | 'integerX'>, w: number, hgt: number): void {
  const g = s('g', { class: 'axes' });
  for (const t of niceTicks(y.domain[0], y.domain[1], 4)) {
    g.append(s('line', { x1: M.left, x2: w - M.right, y1: y(t), y2: y(t), class: 'grid-line' }));
    g.append(s('text', { x: M.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, fmt(t)));
  }
  for (const t of niceTicks(x.domain[0], x.domain[1], 6, o.integerX)) {
    g.append(s('line', { x1: x(t), x2: x(t), y1: hgt - M.bottom, y2: hgt - M.bottom + 4, class: 'tick' }));
    g.append(s('text', { x: x(t), y: hgt - M.bottom + 16, 'text-anchor': 'middle' }, fmt(t)));
  }
  g.append(s('line', { x1: M.left, x2: w - M.right, y1: hgt - M.bottom, y2: hgt - M.bottom, class: 'axis' }));
  g.append(s('line', { x1: M.left, x2: M.left, y1: M.top, y2: hgt - M.bottom, class: 'axis' }));
  g.append(s('text', { x: (M.left + w - M.right) / 2, y: hgt - 4, 'text-anchor': 'middle', class: 'axis-label' }, o.xLabel));
  g.append(s('text', { x: 12, y: (M.top + hgt - M.bottom) / 2, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 12 ${(M.top + hgt - M.bottom) / 2})` }, o.yLabel));
  svg.append(g);
}

/** A line chart of `series`; a legend names each series. */
export function lineChart(series: Series[], o: ChartOptions): SVGSVGElement {
  const w = o.width ?? 420;
  const hgt = o.height ?? 240;
  const all = series.flatMap((se) => se.points);
  const x = linearScale(o.xDomain ?? extent(all.map((p) => p[0])), [M.left, w - M.right]);
  const y = linearScale(o.yDomain ?? extent(all.map((p) => p[1])), [hgt - M.bottom, M.top]);
  const svg = s('svg', { viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, class: 'chart', role: 'img' });
  if (o.testid) svg.setAttribute('data-testid', o.testid);
  axes(svg, x, y, o, w, hgt);
  series.forEach((se, i) => {
    const path = s('path', { d: linePath(se.points, x, y), fill: 'none', stroke: se.color, 'stroke-width': 2, class: 'series', 'data-series': se.name });
    if (se.dashed) path.setAttribute('stroke-dasharray', '5 3');
    svg.append(path);
    if (o.markers) for (const [px, py] of se.points) if (Number.isFinite(py)) svg.append(s('circle', { cx: x(px), cy: y(py), r: 2.5, fill: se.color }));
    const lx = M.left + (i * (w - M.left - M.right)) / Math.max(2, series.length);
    svg.append(s('line', { x1: lx, x2: lx + 16, y1: 10, y2: 10, stroke: se.color, 'stroke-width': 2, 'stroke-dasharray': se.dashed ? '5 3' : 'none' }));
    svg.append(s('text', { x: lx + 20, y: 14, class: 'legend' }, se.name));
  });
  return svg;
}

export interface Bin {
  lo: number;
  hi: number;
  count: number;
  mean_predicted: number | null;
  mean_actual: number | null;
}

/** Reliability diagram: per bin of predicted IoU, the real mean IoU as a bar (diagonal = perfect calibration),
 * for one or two versions side by side within each bin. */
export function reliabilityChart(sides: { name: string; color: string; bins: Bin[] }[], o: { width?: number; height?: number; testid?: string } = {}): SVGSVGElement {
  const w = o.width ?? 420;
  const hgt = o.height ?? 240;
  const x = linearScale([0, 1], [M.left, w - M.right]);
  const y = linearScale([0, 1], [hgt - M.bottom, M.top]);
  const svg = s('svg', { viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, class: 'chart', role: 'img' });
  if (o.testid) svg.setAttribute('data-testid', o.testid);
  axes(svg, x, y, { xLabel: 'predicted IoU', yLabel: 'real IoU' }, w, hgt);
  svg.append(s('line', { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: 'diagonal' }));
  const n = Math.max(1, sides.length);
  sides.forEach((side, k) => {
    for (const b of side.bins) {
      if (!b.count || b.mean_actual === null) continue;
      const x0 = x(b.lo) + 1 + (k * (x(b.hi) - x(b.lo) - 2)) / n;
      const bw = (x(b.hi) - x(b.lo) - 2) / n;
      const bar = s('rect', { x: x0, y: y(b.mean_actual), width: Math.max(1, bw), height: y(0) - y(b.mean_actual), fill: side.color, opacity: 0.75, class: 'bin' });
      bar.append(s('title', {}, `${side.name}: predicted ${b.lo.toFixed(1)}–${b.hi.toFixed(1)}, ${b.count} clicks, real IoU ${b.mean_actual.toFixed(2)}`));
      svg.append(bar);
    }
    const lx = M.left + (k * (w - M.left - M.right)) / Math.max(2, sides.length);
    svg.append(s('rect', { x: lx, y: 5, width: 12, height: 10, fill: side.color, opacity: 0.75 }));
    svg.append(s('text', { x: lx + 16, y: 14, class: 'legend' }, side.name));
  });
  return svg;
}
