// Swipe mode: the after layer is drawn only left of a vertical line at `fraction` of the map's width.
import type BaseLayer from 'ol/layer/Base';
import type RenderEvent from 'ol/render/Event';

/** The clip rectangle [x, y, width, height] in canvas pixels for a canvas `width` x `height` and a swipe position
 * in [0, 1] (clamped): the after date shows from the left edge to the line. */
export function swipeClip(width: number, height: number, fraction: number): [number, number, number, number] {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0.5));
  return [0, 0, Math.round(width * f), height];
}

/** Clips `layer` to the swipe line while it renders (OpenLayers prerender/postrender on its 2D context); returns
 * a function that stops clipping. `fraction()` is read on each render. */
export function clipLayer(layer: BaseLayer, fraction: () => number): () => void {
  const pre = (event: RenderEvent) => {
    const ctx = event.context as CanvasRenderingContext2D | undefined;
    if (!ctx) return;
    const [x, y, w, hgt] = swipeClip(ctx.canvas.width, ctx.canvas.height, fraction());
    ctx.save();
    ctx.beginPath();
    ctx.rect(x, y, w, hgt);
    ctx.clip();
  };
  const post = (event: RenderEvent) => {
    const ctx = event.context as CanvasRenderingContext2D | undefined;
    if (!ctx) return;
    ctx.restore();
    // the swipe line, so one sees where the after date ends
    const [, , w, hgt] = swipeClip(ctx.canvas.width, ctx.canvas.height, fraction());
    ctx.save();
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(w, 0);
    ctx.lineTo(w, hgt);
    ctx.stroke();
    ctx.restore();
  };
  layer.on('prerender' as never, pre as never);
  layer.on('postrender' as never, post as never);
  return () => {
    layer.un('prerender' as never, pre as never);
    layer.un('postrender' as never, post as never);
  };
}
