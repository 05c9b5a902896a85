// Multi-sensor scenes: compose one scene from several files (admins), and choose the bands the model sees.
import type { Api } from '../api';
import type { components } from '../api/schema';
import type { Scene } from '../types';
import { postForm, type UploadDeps } from './api';

type Schemas = components['schemas'];
export type ModelBandsInfo = Schemas['ModelBandsOutput'];
export type ModelBandsInput = Schemas['ModelBandsInput'];

export function stackApi(api: Api, deps?: UploadDeps) {
  return {
    /** Several GeoTIFFs, in band order; `reference` is the index of the file whose grid the stack takes (null: the finest). */
    compose: (projectId: number, files: File[], name: string, reference: number | null) => {
      const form = new FormData();
      for (const file of files) form.append('files', file, file.name);
      if (name) form.append('name', name);
      if (reference !== null) form.append('reference', String(reference));
      return postForm<Scene>(`/api/projects/${projectId}/scenes/composite/`, form, deps);
    },
    modelBands: (sceneId: number, signal?: AbortSignal) =>
      api.request<ModelBandsInfo>('GET', `/api/scenes/${sceneId}/model-bands/`, { signal }),
    modelBandsUpdate: (sceneId: number, modelBands: ModelBandsInput | null) =>
      api.request<ModelBandsInfo>('PATCH', `/api/scenes/${sceneId}/model-bands/`, { body: { model_bands: modelBands } }),
  };
}

export type StackApi = ReturnType<typeof stackApi>;

/** What to send for a model-bands edit: the bands, with min/max only when the bands are the ones the stretch was
 * measured for (new bands get their 2-98 percentiles from the server); null to follow the render recipe. */
export function modelBandsBody(
  mode: 'recipe' | 'one' | 'three',
  bands: number[],
  stretch: { bands: number[]; min: number[]; max: number[] } | null,
): ModelBandsInput | null {
  if (mode === 'recipe') return null;
  const chosen = mode === 'one' ? bands.slice(0, 1) : bands.slice(0, 3);
  if (stretch && stretch.bands.length === chosen.length && stretch.bands.every((b, i) => b === chosen[i])) {
    return { bands: chosen, min: stretch.min, max: stretch.max };
  }
  return { bands: chosen };
}
