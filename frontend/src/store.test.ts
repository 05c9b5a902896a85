import { describe, expect, it, vi } from 'vitest';
import { createStore } from './store';

describe('createStore', () => {
  it('merges patches and notifies with the previous state', () => {
    const store = createStore({ a: 1, b: 'x' });
    const listener = vi.fn();
    store.subscribe(listener);
    store.set({ a: 2 });
    expect(store.get()).toEqual({ a: 2, b: 'x' });
    expect(listener).toHaveBeenCalledWith({ a: 2, b: 'x' }, { a: 1, b: 'x' });
  });

  it('stays quiet when nothing changed, and after unsubscribe', () => {
    const store = createStore({ a: 1 });
    const listener = vi.fn();
    const off = store.subscribe(listener);
    store.set({ a: 1 });
    expect(listener).not.toHaveBeenCalled();
    off();
    store.set({ a: 3 });
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('createStore re-entrancy', () => {
  it('delivers a set() made inside a listener after the current round, in order', () => {
    const store = createStore({ n: 0 });
    const seen: string[] = [];
    store.subscribe((s, p) => {
      seen.push(`a:${p.n}->${s.n}`);
      if (s.n === 1) store.set({ n: 2 });
    });
    store.subscribe((s, p) => seen.push(`b:${p.n}->${s.n}`));
    store.set({ n: 1 });
    expect(seen).toEqual(['a:0->1', 'b:0->1', 'a:1->2', 'b:1->2']);
    expect(store.get().n).toBe(2);
  });
});
