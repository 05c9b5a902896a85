import { describe, expect, it } from 'vitest';
import { backoffDelay, ReconnectingSocket, wsUrl, type SocketLike } from './reconnectingSocket';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  closedWith: number | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    this.closedWith = code;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  receive(obj: unknown) {
    this.onmessage?.({ data: JSON.stringify(obj) });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const received: unknown[] = [];
  const states: string[] = [];
  let reopened = 0;
  const rs = new ReconnectingSocket<unknown, { type: string; request_id?: string }>({
    url: 'ws://x/ws/annotate/1/',
    create: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    onMessage: (m) => received.push(m),
    onState: (s) => states.push(s),
    onReopen: () => reopened++,
    random: () => 0,
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
    clearTimeout: () => undefined,
  });
  return { rs, sockets, timers, received, states, reopened: () => reopened };
}

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with jitter only shortening it', () => {
    const b = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, b, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(1, b, () => 1)).toBe(100);
  });
});

describe('ReconnectingSocket', () => {
  it('reconnects with growing delays and resends pending prompts and the sticky viewport', () => {
    const { rs, sockets, timers, reopened } = harness();
    sockets[0]!.open();
    rs.sendSticky('viewport', { type: 'viewport' });
    rs.send({ type: 'prompt', request_id: 'a' }, 'a');
    rs.send({ type: 'prompt', request_id: 'b' }, 'b');
    rs.settle('a');
    sockets[0]!.drop();
    expect(timers.map((t) => t.ms)).toEqual([500]);
    // Sent while down: kept as pending, resent later.
    expect(rs.send({ type: 'prompt', request_id: 'c' }, 'c')).toBe(false);
    timers[0]!.fn();
    sockets[1]!.drop(); // the first retry fails too
    expect(timers.map((t) => t.ms)).toEqual([500, 1000]);
    timers[1]!.fn();
    sockets[2]!.open();
    expect(sockets[2]!.sent.map((s) => JSON.parse(s))).toEqual([
      { type: 'viewport' },
      { type: 'prompt', request_id: 'b' },
      { type: 'prompt', request_id: 'c' },
    ]);
    expect(reopened()).toBe(1);
    expect(rs.pendingKeys).toEqual(['b', 'c']);
    // After a good connection, the backoff starts again from the first delay.
    sockets[2]!.drop();
    expect(timers[2]!.ms).toBe(500);
  });

  it('parses messages and ignores what is not JSON', () => {
    const { sockets, received } = harness();
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'mask', request_id: 'a' });
    sockets[0]!.onmessage?.({ data: 'not json' });
    expect(received).toEqual([{ type: 'mask', request_id: 'a' }]);
  });

  it('gives up when the server refuses the user (4403) and after close()', () => {
    const h1 = harness();
    h1.sockets[0]!.open();
    h1.sockets[0]!.drop(4403);
    expect(h1.timers).toEqual([]);
    expect(h1.rs.state).toBe('closed');

    const h2 = harness();
    h2.sockets[0]!.open();
    h2.rs.close();
    expect(h2.sockets[0]!.closedWith).toBe(1000);
    expect(h2.timers).toEqual([]);
  });

  it('builds ws and wss URLs from the page origin', () => {
    expect(wsUrl('/ws/a/', { protocol: 'http:', host: 'h:8000' })).toBe('ws://h:8000/ws/a/');
    expect(wsUrl('/ws/a/', { protocol: 'https:', host: 'h' })).toBe('wss://h/ws/a/');
  });
});
