// Stale-version conflicts: the server answers 409 with the annotation as it is now. The user chooses:
// take theirs (drop my change, load their version), or overwrite deliberately (send mine again, against their version).
import { ApiError } from '../api';
import type { GeoJsonMultiPolygon } from '../types';

export interface Conflict {
  annotationId: number;
  message: string;
  theirVersion: number;
  /** null when the annotation was deleted meanwhile (or the body carried no geometry). */
  theirGeometry: GeoJsonMultiPolygon | null;
  deleted: boolean;
  mine: GeoJsonMultiPolygon | null;
}

export type Resolution =
  | { kind: 'takeTheirs'; annotationId: number; version: number; geometry: GeoJsonMultiPolygon | null }
  | { kind: 'overwrite'; annotationId: number; version: number; geometry: GeoJsonMultiPolygon | null };

/** The conflict described by a 409 answer, or null for any other error. */
export function conflictFrom(err: unknown, annotationId: number, mine: GeoJsonMultiPolygon | null): Conflict | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const body = (err.body ?? {}) as Record<string, unknown>;
  if (body.reason === 'deleted') {
    return { annotationId, message: err.message, theirVersion: 0, theirGeometry: null, deleted: true, mine };
  }
  const version = typeof body.current_version === 'number' ? body.current_version : null;
  if (version === null) return null; // a 409 of another kind (not ready, ...): an ordinary error
  const current = body.current as { properties?: { deleted?: boolean } } | undefined;
  const geometry = body.geometry as GeoJsonMultiPolygon | undefined;
  return {
    annotationId,
    message: err.message,
    theirVersion: version,
    theirGeometry: geometry && geometry.type === 'MultiPolygon' ? geometry : null,
    deleted: current?.properties?.deleted === true,
    mine,
  };
}

export function resolveConflict(c: Conflict, choice: 'takeTheirs' | 'overwrite'): Resolution {
  if (choice === 'takeTheirs') {
    return { kind: 'takeTheirs', annotationId: c.annotationId, version: c.theirVersion, geometry: c.theirGeometry };
  }
  return { kind: 'overwrite', annotationId: c.annotationId, version: c.theirVersion, geometry: c.mine };
}
