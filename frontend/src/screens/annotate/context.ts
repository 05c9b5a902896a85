// What the annotation screen's controllers share: the route, the API context, the DOM, the mutable screen state,
// the map pieces once built, and a few helpers (render, step, say, notice, report). Created once per mount.
import VectorSource from 'ol/source/Vector';
import type { Ctx } from '../../app';
import { DraftStore, memoryStorage, type StorageLike } from '../../annotate/draft';
import { EMPTY_SNAPSHOT, type Snapshot } from '../../annotate/editor';
import { debounce, type Debounced } from '../../annotate/debounce';
import { History } from '../../annotate/history';
import { shapeDirty, type KindShape } from '../../annotate/kinds';
import type { AnnotationTiles } from '../../map/annotationTiles';
import type { EditInteractions } from '../../map/editInteractions';
import type { EditLayers } from '../../map/editLayers';
import type { KindLayers } from '../../map/kindLayers';
import type { SceneMap } from '../../map/sceneMap';
import type { WhyLayers } from '../../map/whyLayers';
import type { SegmentationSocket } from '../../annotate/sockets';
import type { AttributeValue, GeoJsonMultiPolygon, GeoJsonPolygon, LabelClass, Task } from '../../types';
import type { Tool } from '../../ui/annotatePanels';
import type { AnnotateView } from './view';

/** The annotation under edit as the server last gave it (to know whether the edit is dirty). */
export interface Loaded {
  id: number;
  version: number;
  geometry: GeoJsonMultiPolygon;
  classId: number | null;
  /** Its class attributes' values and the required ones still missing (absent: not known, e.g. after a live event). */
  attributes?: Record<string, AttributeValue>;
  missing?: string[];
}

export interface AnnotateState {
  classes: LabelClass[];
  classId: number | null;
  tool: Tool;
  negative: boolean;
  encoding: boolean;
  task: Task | null;
  busy: boolean;
  loaded: Loaded | null;
  /** Show why: the outline of the window the model saw (W), the uncertainty overlay (U). */
  showWindow: boolean;
  showUncertainty: boolean;
  /** The scene's footprint (lon/lat): what a mask is compared with when there is no task. */
  sceneFootprint?: GeoJsonPolygon | null;
  /** The width of new lines (metres; the panel's field, defaulting from the scene's GSD). */
  lineWidthM: number;
  /** The selected box, point or line as the server last gave it (to know whether its edit is unsaved). */
  loadedShape: KindShape | null;
}

/** Map-side pieces, present once the scene is built (a scene that is not ready has none). */
export interface MapParts {
  sceneMap: SceneMap | null;
  tiles: AnnotationTiles | null;
  edit: EditLayers | null;
  interactions: EditInteractions | null;
  segmentation: SegmentationSocket | null;
  why: WhyLayers | null;
  /** Boxes, rotated boxes, points and lines: their layer and drawing tools. */
  kinds?: KindLayers | null;
}

export interface Shared {
  ctx: Ctx;
  projectId: number;
  sceneId: number;
  taskId: number | null;
  aborter: AbortController;
  view: AnnotateView;
  history: History<Snapshot>;
  state: AnnotateState;
  parts: MapParts;
  /** Existing annotations near the one under edit, for vertex snapping. */
  neighbours: VectorSource;
  drafts: DraftStore;
  saveDraft: Debounced<[]>;
  /** Re-renders the whole screen from the state (cheap: DOM text, edit layers). */
  render(): void;
  /** Pushes a snapshot on the undo stack and renders. */
  step(next: Snapshot): void;
  say(text: string): void;
  showNotice(text: string | null): void;
  report(err: unknown): void;
  editDirty(s: Snapshot): boolean;
}

function storage(): StorageLike {
  try {
    window.localStorage.setItem('geoloop:probe', '1');
    window.localStorage.removeItem('geoloop:probe');
    return window.localStorage;
  } catch {
    return memoryStorage();
  }
}

export const sameGeometry = (a: GeoJsonMultiPolygon | null, b: GeoJsonMultiPolygon | null) => JSON.stringify(a) === JSON.stringify(b);

export function createShared(
  ctx: Ctx,
  ids: { projectId: number; sceneId: number; taskId: number | null },
  view: AnnotateView,
  renderScreen: (shared: Shared) => void,
): Shared {
  const errKey = `annotate-${ids.sceneId}`;
  const history = new History<Snapshot>(EMPTY_SNAPSHOT);
  const state: AnnotateState = { classes: [], classId: null, tool: 'point', negative: false, encoding: false, task: null, busy: false, loaded: null, showWindow: true, showUncertainty: false, lineWidthM: 5, loadedShape: null };
  const drafts = new DraftStore(storage(), ids.sceneId, ids.taskId);
  const shared: Shared = {
    ctx,
    ...ids,
    aborter: new AbortController(),
    view,
    history,
    state,
    parts: { sceneMap: null, tiles: null, edit: null, interactions: null, segmentation: null, why: null },
    neighbours: new VectorSource(),
    drafts,
    saveDraft: debounce(() => {
      const s = history.present;
      if (!drafts.save({ classId: state.classId, session: s.session, manual: s.manual, edit: shared.editDirty(s) ? s.edit : null }, Date.now())) {
        shared.report(new Error('Could not keep a local copy of your unsaved work (browser storage is full or disabled).'));
      }
    }, 250),
    render: () => renderScreen(shared),
    step(next) {
      history.push(next);
      shared.render();
    },
    say(text) {
      view.status.textContent = text;
    },
    showNotice(text) {
      view.notice.hidden = !text;
      view.notice.textContent = text ?? '';
    },
    report: (err) => ctx.report(err, errKey),
    editDirty: (s) => s.shape ? shapeDirty(s.shape, state.loadedShape) : !!s.edit && !!state.loaded && s.edit.annotationId === state.loaded.id && !sameGeometry(s.edit.geometry, state.loaded.geometry),
  };
  return shared;
}
