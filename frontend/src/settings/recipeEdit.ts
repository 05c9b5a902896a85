// The recipe editor's pure parts: switching between one band and three, applying a preset, the edit sent to the
// server, and the histogram drawn as SVG bar heights with the min/max markers.
import type { Histogram, Recipe, RecipePreset } from '../types';

/** The editor's working copy: always complete (gamma per band, colormap/scale explicit). */
export interface Draft {
  bands: number[];
  min: (number | null)[];
  max: (number | null)[];
  gamma: number[];
  colormap: string | null;
  scale: 'linear' | 'db';
}

export function draftOf(recipe: Recipe): Draft {
  return {
    bands: [...recipe.bands],
    min: [...recipe.min],
    max: [...recipe.max],
    gamma: recipe.gamma ? [...recipe.gamma] : recipe.bands.map(() => 1),
    colormap: recipe.colormap ?? null,
    scale: recipe.scale ?? 'linear',
  };
}

/** One band (grey/ramp) or three (RGB): new channels copy the first band and get their min/max measured. */
export function setChannels(d: Draft, count: 1 | 3): Draft {
  if (d.bands.length === count) return d;
  if (count === 1) return { ...d, bands: [d.bands[0]!], min: [d.min[0] ?? null], max: [d.max[0] ?? null], gamma: [d.gamma[0] ?? 1] };
  const b = d.bands[0]!;
  return { ...d, bands: [b, b, b], min: [d.min[0] ?? null, null, null], max: [d.max[0] ?? null, null, null], gamma: [1, 1, 1].map((g, i) => d.gamma[i] ?? g), colormap: null };
}

/** A new band on one channel: its min/max are measured by the server (sent as null). */
export function setBand(d: Draft, channel: number, band: number): Draft {
  if (d.bands[channel] === band) return d;
  const bands = d.bands.map((b, i) => (i === channel ? band : b));
  const min = d.min.map((v, i) => (i === channel ? null : v));
  const max = d.max.map((v, i) => (i === channel ? null : v));
  return { ...d, bands, min, max };
}

export function applyPreset(d: Draft, preset: RecipePreset): Draft {
  const c = preset.changes;
  const bands = c.bands ?? d.bands;
  return {
    bands: [...bands],
    min: bands.map(() => null),
    max: bands.map(() => null),
    gamma: c.gamma ? [...c.gamma] : bands.map(() => 1),
    colormap: c.colormap ?? null,
    scale: c.scale ?? 'linear',
  };
}

/** The edit for the server: bands, gamma, colormap, scale always; min/max only when every band has both (else the
 * server measures the 2–98 percentiles of the bands). */
export function changesOf(d: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = { bands: d.bands, gamma: d.gamma, colormap: d.bands.length === 1 ? d.colormap : null, scale: d.scale };
  if (d.min.every((v) => v !== null) && d.max.every((v) => v !== null)) {
    out.min = d.min;
    out.max = d.max;
  }
  return out;
}

export interface Bars {
  /** [x, width, height] in a 0..100 × 0..1 box, one per bin. */
  bars: [number, number, number][];
  /** Where min and max fall on the same x axis (clamped to the box), or null. */
  minX: number | null;
  maxX: number | null;
}

/** Bars of a histogram scaled to the tallest bin (square root, so small bins stay visible). */
export function histogramBars(h: Histogram, min: number | null, max: number | null): Bars {
  const lo = h.edges[0]!;
  const hi = h.edges[h.edges.length - 1]!;
  const span = hi - lo || 1;
  const top = Math.sqrt(Math.max(1, ...h.counts));
  const x = (v: number) => Math.min(100, Math.max(0, ((v - lo) / span) * 100));
  const bars = h.counts.map((count, i): [number, number, number] => {
    const x0 = x(h.edges[i]!);
    return [x0, x(h.edges[i + 1]!) - x0, Math.sqrt(count) / top];
  });
  return { bars, minX: min === null ? null : x(min), maxX: max === null ? null : x(max) };
}
