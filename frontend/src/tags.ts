// Tags on scenes and tasks (single- or multi-label classification): the API calls and the pure rules the tags panel,
// the settings screen and the review screen share. Types come from the generated schema (src/api/schema.d.ts).
import type { components } from './api/schema';
import type { Api } from './api';

type Schemas = components['schemas'];
export type TagGroup = Schemas['TagGroupOutput'];
export type Tag = Schemas['TagOutput'];
export type TagTarget = { kind: 'scene'; id: number } | { kind: 'task'; id: number };
export type TagVerdict = 'accept' | 'reject' | 'fix';

export const tagApi = (api: Api) => ({
  groups: (projectId: number, signal?: AbortSignal, archived = false) =>
    api.request<TagGroup[]>('GET', `/api/projects/${projectId}/tag-groups/${archived ? '?archived=1' : ''}`, { signal }),
  groupCreate: (projectId: number, body: { name: string; multi: boolean; values: string[] }) =>
    api.request<TagGroup>('POST', `/api/projects/${projectId}/tag-groups/`, { body }),
  groupUpdate: (groupId: number, body: Partial<{ name: string; multi: boolean; values: string[]; archived: boolean }>) =>
    api.request<TagGroup>('PATCH', `/api/tag-groups/${groupId}/`, { body }),
  sceneTags: (sceneId: number, signal?: AbortSignal) => api.request<Tag[]>('GET', `/api/scenes/${sceneId}/tags/`, { signal }),
  set: (target: TagTarget, groupId: number, values: string[], version: number | null) =>
    api.request<Tag>('PUT', `/api/${target.kind === 'scene' ? 'scenes' : 'tasks'}/${target.id}/tags/${groupId}/`, {
      body: version === null ? { values } : { values, version },
    }),
  queue: (projectId: number, signal?: AbortSignal) => api.request<Tag[]>('GET', `/api/projects/${projectId}/review/tags/`, { signal }),
  review: (tagId: number, body: { action: TagVerdict; version: number; reason?: string; values?: string[] }) =>
    api.request<Tag>('POST', `/api/tags/${tagId}/review/`, { body }),
});

/** The tag a group gives a target among `tags` (scene tags have task null), or undefined. */
export function tagOf(tags: Tag[], groupId: number, target: TagTarget): Tag | undefined {
  return tags.find((t) => t.group === groupId && (target.kind === 'scene' ? t.task === null && t.scene === target.id : t.task === target.id));
}

/** The values after choosing `value` (the n-th of the group, or a click): a single-label group takes it, or clears
 * when it was already the one; a multi-label group toggles it. Kept in the group's order. */
export function chooseValue(group: Pick<TagGroup, 'multi' | 'values'>, current: string[], value: string): string[] {
  if (!group.values.includes(value)) return current;
  if (!group.multi) return current.length === 1 && current[0] === value ? [] : [value];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return group.values.filter((v) => next.includes(v));
}

/** The value a digit key names in a group (1 = first), or null. */
export function valueForKey(group: Pick<TagGroup, 'values'>, key: string): string | null {
  if (!/^[1-9]$/.test(key)) return null;
  return group.values[Number(key) - 1] ?? null;
}

/** A group's values from a comma-separated text, trimmed, empties and repeats dropped. */
export function parseValues(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}
