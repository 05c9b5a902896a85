// Pure plotting arithmetic for the Models screen's charts (no DOM): scales, tick values, SVG path data.

export interface Scale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
}

/** Linear map of `domain` onto `range` (a degenerate domain maps everything to the middle of the range). */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const fn = ((v: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0))) as Scale;
  fn.domain = domain;
  fn.range = range;
  return fn;
}

/** Min and max of the finite values; `fallback` when there are none. Pads a zero-width extent by `pad`. */
export function extent(values: Iterable<number>, fallback: [number, number] = [0, 1], pad = 0.5): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return fallback;
  if (lo === hi) return [lo - pad, hi + pad];
  return [lo, hi];
}

/** "Nice" tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi], about `count` of them; with
 * `integer` (click counts, steps) never closer than 1 apart. */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || count < 1) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.ceil(lo / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** SVG path data through the points (x, y in data units), skipping non-finite ones (which break the line). */
export function linePath(points: readonly (readonly [number, number])[], x: Scale, y: Scale): string {
  let d = '';
  let pen = false;
  for (const [px, py] of points) {
    if (!Number.isFinite(px) || !Number.isFinite(py)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(px).toFixed(1)},${y(py).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** A curve of per-click values (index 0 = after 1 click) as [clicks, value] points. */
export function clickSeries(values: readonly (number | null)[]): [number, number][] {
  return values.map((v, i) => [i + 1, v === null ? NaN : v]);
}

/** Moving average over `window` points (the first points average what exists), for a readable loss curve. */
export function smooth(points: readonly (readonly [number, number])[], window = 5): [number, number][] {
  const out: [number, number][] = [];
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    sum += points[i]![1];
    if (i >= window) sum -= points[i - window]![1];
    out.push([points[i]![0], sum / Math.min(i + 1, window)]);
  }
  return out;
}

/** Seconds as "1 h 02 min", "3 min 05 s" or "12 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
