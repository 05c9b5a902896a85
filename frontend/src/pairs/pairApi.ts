// Scene pairs and change annotations over the API (annotator/apis/pairs.py); prompts through the scene prompt route.
import type { Api } from '../api';
import type { components } from '../api/schema';
import type { GeoJsonMultiPolygon } from '../types';

type Schemas = components['schemas'];
export type ScenePair = Schemas['ScenePairOutput'];
export type Change = Schemas['ChangeOutput'];
export type ChangeEdited = Schemas['ChangeEditedOutput'];
export type PendingPair = Schemas['PendingPairOutput'];
export type ChangeVerdict = 'accept' | 'reject' | 'fix';
export type Side = 'before' | 'after';
/** A side's geometry: a GeoJSON polygon or multipolygon in EPSG:4326. */
export type SideGeometry = GeoJsonMultiPolygon | { type: 'Polygon'; coordinates: number[][][] };

export interface ChangeBody {
  before_geometry?: SideGeometry | null;
  after_geometry?: SideGeometry | null;
  label_class?: number | null;
  before_proposal_id?: number | null;
  after_proposal_id?: number | null;
}

export interface PromptAnswer {
  proposal_id: number;
  geometry: GeoJsonMultiPolygon | null;
}

export function pairApi(api: Api) {
  const { request } = api;
  return {
    pairs: (projectId: number, signal?: AbortSignal) =>
      request<ScenePair[]>('GET', `/api/projects/${projectId}/pairs/`, { signal }),
    pair: (pairId: number, signal?: AbortSignal) => request<ScenePair>('GET', `/api/pairs/${pairId}/`, { signal }),
    pairCreate: (projectId: number, body: { before: number; after: number; name?: string }) =>
      request<ScenePair>('POST', `/api/projects/${projectId}/pairs/`, { body }),
    changes: (pairId: number, signal?: AbortSignal) =>
      request<Change[]>('GET', `/api/pairs/${pairId}/changes/`, { signal }),
    changeCreate: (pairId: number, body: ChangeBody) =>
      request<ChangeEdited>('POST', `/api/pairs/${pairId}/changes/`, { body }),
    /** Edit a change annotation: only the fields given; a side given as null is emptied (409 on a stale version). */
    changeUpdate: (changeId: number, body: ChangeBody & { version: number }) =>
      request<ChangeEdited>('PATCH', `/api/changes/${changeId}/`, { body }),
    /** Reviewers and admins: accept, reject (a reason is required) or fix (new sides and/or class). */
    changeReview: (changeId: number, body: { action: ChangeVerdict; version: number; reason?: string } & ChangeBody) =>
      request<Change>('POST', `/api/changes/${changeId}/review/`, { body }),
    /** Reviewers and admins: the project's pairs with change annotations waiting for review. */
    changesToReview: (projectId: number, signal?: AbortSignal) =>
      request<PendingPair[]>('GET', `/api/projects/${projectId}/changes/to-review/`, { signal }),
    pairDelete: (pairId: number) => request<void>('DELETE', `/api/pairs/${pairId}/`),
    changeDelete: (changeId: number, version: number) =>
      request<Change>('DELETE', `/api/changes/${changeId}/`, { body: { version } }),
    /** One positive click on a scene, answered by the model (the same path as the annotate screen's prompts). */
    prompt: (sceneId: number, lonLat: [number, number], mapResolution: number) =>
      request<PromptAnswer>('POST', `/api/scenes/${sceneId}/prompt/`, {
        body: { points: [lonLat], labels: [1], map_resolution: mapResolution },
      }),
  };
}

export type PairApi = ReturnType<typeof pairApi>;
