import { describe, expect, it } from 'vitest';
import { History } from './history';

describe('History', () => {
  it('undoes and redoes steps in order', () => {
    const h = new History(0);
    h.push(1);
    h.push(2);
    expect(h.undo()).toBe(1);
    expect(h.undo()).toBe(0);
    expect(h.undo()).toBeNull();
    expect(h.present).toBe(0);
    expect(h.redo()).toBe(1);
    expect(h.redo()).toBe(2);
    expect(h.redo()).toBeNull();
  });

  it('drops the redo branch on a new step', () => {
    const h = new History('a');
    h.push('b');
    h.undo();
    h.push('c');
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toBe('a');
  });

  it('replace amends the present without a step', () => {
    const h = new History(1);
    h.push(2);
    h.replace(3);
    expect(h.present).toBe(3);
    expect(h.undo()).toBe(1);
    expect(h.redo()).toBe(3);
  });

  it('keeps at most `limit` steps', () => {
    const h = new History(0, 3);
    for (let i = 1; i <= 10; i++) h.push(i);
    let n = 0;
    while (h.undo() !== null) n++;
    expect(n).toBe(3);
    expect(h.present).toBe(7);
  });

  it('reset leaves nothing to undo or redo', () => {
    const h = new History(0);
    h.push(1);
    h.reset(5);
    expect([h.canUndo, h.canRedo, h.present]).toEqual([false, false, 5]);
  });
});
