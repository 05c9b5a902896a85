// Debounce with an injected clock: the last call wins after `ms` of quiet.

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  cancel(): void;
  flush(): void;
}

export function debounce<A extends unknown[]>(
  fn: (...args: A) => void,
  ms: number,
  timers: { set: (fn: () => void, ms: number) => unknown; clear: (h: unknown) => void } = {
    set: (f, t) => setTimeout(f, t),
    clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
): Debounced<A> {
  let handle: unknown = null;
  let lastArgs: A | null = null;
  const run = () => {
    handle = null;
    const args = lastArgs;
    lastArgs = null;
    if (args) fn(...args);
  };
  const debounced = ((...args: A) => {
    lastArgs = args;
    if (handle !== null) timers.clear(handle);
    handle = timers.set(run, ms);
  }) as Debounced<A>;
  debounced.cancel = () => {
    if (handle !== null) timers.clear(handle);
    handle = null;
    lastArgs = null;
  };
  debounced.flush = () => {
    if (handle !== null) timers.clear(handle);
    run();
  };
  return debounced;
}
