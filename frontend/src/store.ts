// A tiny typed state store and event bus. Screens read state, call actions, and subscribe;
// later features (annotation tools, the mask-preview WebSocket, tasks) add their own slices and events.

export type Listener<S> = (state: S, previous: S) => void;

export interface Store<S extends object> {
  get(): S;
  /** Shallow-merges the patch; listeners run only when some key changed (by identity). */
  set(patch: Partial<S>): void;
  subscribe(listener: Listener<S>): () => void;
}

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<Listener<S>>();
  // A set() made by a listener is delivered after the current round, so every listener sees the changes in order.
  const pending: [S, S][] = [];
  let notifying = false;
  return {
    get: () => state,
    set(patch) {
      const changed = (Object.keys(patch) as (keyof S)[]).some((k) => !Object.is(patch[k], state[k]));
      if (!changed) return;
      const previous = state;
      state = { ...state, ...patch };
      pending.push([state, previous]);
      if (notifying) return;
      notifying = true;
      try {
        for (let next = pending.shift(); next; next = pending.shift()) {
          for (const listener of [...listeners]) listener(...next);
        }
      } finally {
        notifying = false;
        pending.length = 0;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type Handler<T> = (payload: T) => void;

/** Typed publish/subscribe: `Emitter<{ 'mask:preview': MaskPreview }>`. */
export class Emitter<Events extends Record<string, unknown>> {
  private handlers = new Map<keyof Events, Set<Handler<never>>>();

  on<K extends keyof Events>(event: K, handler: Handler<Events[K]>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) (handler as Handler<Events[K]>)(payload);
  }
}
