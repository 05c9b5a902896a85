// A tiny typed state store. Screens read state, call actions, and subscribe.

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
