// The local draft: what is on screen and not yet saved, kept in localStorage so a reload or a crash loses nothing.
// One draft per scene (and task). A draft that cannot be read (old schema, hand-edited) is dropped, not trusted.
import type { GeoJsonMultiPolygon } from '../types';
import type { PromptSession } from './promptSession';

export const DRAFT_SCHEMA = 1;

export interface EditTarget {
  /** An existing annotation being edited (its version as last loaded). */
  annotationId: number;
  version: number;
  geometry: GeoJsonMultiPolygon;
  verticesMoved: number;
}

export interface Draft {
  schema: typeof DRAFT_SCHEMA;
  sceneId: number;
  taskId: number | null;
  classId: number | null;
  session: PromptSession;
  /** A hand-drawn shape not from the model (no proposal). */
  manual: GeoJsonMultiPolygon | null;
  edit: EditTarget | null;
  savedAt: number;
}

export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function draftKey(sceneId: number, taskId: number | null): string {
  return `geoloop:draft:scene-${sceneId}${taskId === null ? '' : `:task-${taskId}`}`;
}

/** True when the draft holds something worth restoring. */
export function draftHasWork(d: Pick<Draft, 'session' | 'manual' | 'edit'>): boolean {
  return d.session.points.length > 0 || d.session.box !== null || d.session.proposal !== null || d.manual !== null || d.edit !== null;
}

function isMultiPolygon(value: unknown): value is GeoJsonMultiPolygon {
  return !!value && typeof value === 'object' && (value as { type?: unknown }).type === 'MultiPolygon' &&
    Array.isArray((value as { coordinates?: unknown }).coordinates);
}

function validDraft(value: unknown, sceneId: number, taskId: number | null): value is Draft {
  if (!value || typeof value !== 'object') return false;
  const d = value as Partial<Draft>;
  if (d.schema !== DRAFT_SCHEMA || d.sceneId !== sceneId || (d.taskId ?? null) !== taskId) return false;
  const s = d.session;
  if (!s || !Array.isArray(s.points) || typeof s.clicks !== 'number') return false;
  if (d.manual !== null && !isMultiPolygon(d.manual)) return false;
  if (d.edit !== null && (!d.edit || typeof d.edit.annotationId !== 'number' || !isMultiPolygon(d.edit.geometry))) return false;
  return true;
}

export class DraftStore {
  constructor(
    private readonly storage: StorageLike,
    private readonly sceneId: number,
    private readonly taskId: number | null,
  ) {}

  get key(): string {
    return draftKey(this.sceneId, this.taskId);
  }

  load(): Draft | null {
    let raw: string | null;
    try {
      raw = this.storage.getItem(this.key);
    } catch {
      return null;
    }
    if (!raw) return null;
    try {
      const value: unknown = JSON.parse(raw);
      if (validDraft(value, this.sceneId, this.taskId)) {
        // Nothing is awaited after a reload: the socket that carried the request is gone.
        return { ...value, session: { ...value.session, pendingRequestId: null } };
      }
    } catch {
      // fall through: unreadable
    }
    this.clear();
    return null;
  }

  /** Saves the draft, or clears it when it holds no work. Returns false when the storage refused (quota). */
  save(d: Omit<Draft, 'schema' | 'sceneId' | 'taskId' | 'savedAt'>, now: number): boolean {
    if (!draftHasWork(d)) {
      this.clear();
      return true;
    }
    const draft: Draft = { ...d, schema: DRAFT_SCHEMA, sceneId: this.sceneId, taskId: this.taskId, savedAt: now };
    try {
      this.storage.setItem(this.key, JSON.stringify(draft));
      return true;
    } catch {
      return false;
    }
  }

  clear(): void {
    try {
      this.storage.removeItem(this.key);
    } catch {
      // nothing to do: storage unavailable
    }
  }
}

/** An in-memory StorageLike (tests, and browsers with storage disabled). */
export function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}
