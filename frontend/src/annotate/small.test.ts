import { describe, expect, it } from 'vitest';
import { debounce } from './debounce';
import { commandForKey, isTypingTarget } from './keys';
import { formatDuration, leaseStatus } from './lease';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods,
});

describe('shortcuts', () => {
  it('maps the documented keys', () => {
    expect(commandForKey(key('Enter'))).toBe('accept');
    expect(commandForKey(key('Escape'))).toBe('discard');
    expect(commandForKey(key('z', { ctrlKey: true }))).toBe('undo');
    expect(commandForKey(key('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(commandForKey(key('z', { metaKey: true, shiftKey: true }))).toBe('redo');
    expect(commandForKey(key('y', { ctrlKey: true }))).toBe('redo');
    expect(commandForKey(key('?', { shiftKey: true }))).toBe('help');
    expect(commandForKey(key('Delete'))).toBe('delete');
    expect(commandForKey(key('3'))).toEqual({ selectClass: 2 });
    // the hand-drawn kinds (issue 16): box, rotated box, point, line
    expect(commandForKey(key('r'))).toBe('toolRect');
    expect(commandForKey(key('o'))).toBe('toolRotated');
    expect(commandForKey(key('m'))).toBe('toolMarker');
    expect(commandForKey(key('L', { shiftKey: true }))).toBe('toolLine');
    expect(commandForKey(key('r', { ctrlKey: true }))).toBeNull();
    expect(commandForKey(key('Tab'))).toBe('nextCandidate');
    expect(commandForKey(key('Tab', { shiftKey: true }))).toBe('previousCandidate');
    expect(commandForKey(key('w'))).toBe('toggleWindow');
    expect(commandForKey(key('U', { shiftKey: true }))).toBe('toggleUncertainty');
    expect(commandForKey(key('a'))).toBe('toolAdd');
    expect(commandForKey(key('C'))).toBe('toolCut');
    expect(commandForKey(key('n'))).toBe('toggleNegative');
    expect(commandForKey(key('a', { ctrlKey: true }))).toBeNull();
    expect(commandForKey(key('x'))).toBeNull();
  });

  it('ignores keys typed into fields', () => {
    expect(isTypingTarget({ tagName: 'INPUT', isContentEditable: false } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('lease', () => {
  const now = Date.parse('2024-01-01T12:00:00Z');
  it('renews at a third of what is left, bounded', () => {
    expect(leaseStatus('2024-01-01T12:15:00Z', now)).toMatchObject({ warn: false, expired: false, nextHeartbeatMs: 60_000 });
    expect(leaseStatus('2024-01-01T12:01:30Z', now)).toMatchObject({ warn: true, expired: false, nextHeartbeatMs: 30_000 });
    expect(leaseStatus('2024-01-01T12:00:06Z', now)?.nextHeartbeatMs).toBe(5_000);
    expect(leaseStatus('2024-01-01T11:59:00Z', now)).toMatchObject({ expired: true, warn: false });
    expect(leaseStatus(null, now)).toBeNull();
    expect(leaseStatus('garbage', now)).toBeNull();
  });
  it('formats durations', () => {
    expect(formatDuration(90_000)).toBe('1 min 30 s');
    expect(formatDuration(4_400)).toBe('4 s');
  });
});

describe('debounce', () => {
  it('runs the last call once after quiet; cancel and flush', () => {
    const queue: { fn: () => void; cleared: boolean }[] = [];
    const timers = {
      set: (fn: () => void) => { const t = { fn, cleared: false }; queue.push(t); return t; },
      clear: (t: unknown) => { (t as { cleared: boolean }).cleared = true; },
    };
    const calls: number[] = [];
    const d = debounce((n: number) => calls.push(n), 100, timers);
    d(1);
    d(2);
    queue.filter((t) => !t.cleared).forEach((t) => t.fn());
    expect(calls).toEqual([2]);
    d(3);
    d.cancel();
    queue.filter((t) => !t.cleared).forEach((t) => t.fn());
    expect(calls).toEqual([2]);
    d(4);
    d.flush();
    expect(calls).toEqual([2, 4]);
  });
});
