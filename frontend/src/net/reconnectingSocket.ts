// A WebSocket that comes back: reconnects with exponential backoff (with jitter) after a drop, then resends what
// was still awaiting an answer (pending prompts) and the latest "sticky" messages (the viewport). The socket
// and the timers are injected, so the behaviour is tested without a network.

export type SocketState = 'connecting' | 'open' | 'closed';

/** The part of the browser WebSocket this module uses. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: the delay is scaled by a random factor in [1 - jitter, 1]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 15_000, factor: 2, jitter: 0.3 };

/** Delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, b: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const raw = Math.min(b.maxMs, b.initialMs * b.factor ** Math.max(0, attempt));
  return Math.round(raw * (1 - b.jitter * random()));
}

/** Close codes after which reconnecting cannot help (the server refused us). */
const FINAL_CODES = new Set([4401, 4403, 4404]);

export interface ReconnectingSocketOptions<In> {
  url: string;
  create: (url: string) => SocketLike;
  onMessage: (msg: In) => void;
  onState?: (state: SocketState, info: { attempt: number; code?: number; retryInMs?: number }) => void;
  /** Called after a reconnect (not the first open): e.g. refetch what events may have been missed. */
  onReopen?: () => void;
  backoff?: Backoff;
  random?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

const OPEN = 1;

export class ReconnectingSocket<In, Out extends object = object> {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private closed = false;
  private openedOnce = false;
  private readonly pending = new Map<string, Out>();
  private readonly sticky = new Map<string, Out>();
  state: SocketState = 'connecting';

  constructor(private readonly opts: ReconnectingSocketOptions<In>) {
    this.connect();
  }

  /** Sends now when open; with `pendingKey` the message is kept (and resent after a reconnect) until settle(key). */
  send(msg: Out, pendingKey?: string): boolean {
    if (pendingKey !== undefined) this.pending.set(pendingKey, msg);
    return this.transmit(msg);
  }

  /** Sends, and keeps only the latest message under `key` to send again after every reconnect. */
  sendSticky(key: string, msg: Out): boolean {
    this.sticky.set(key, msg);
    return this.transmit(msg);
  }

  /** The answer for `key` arrived (or it no longer matters): do not resend it. */
  settle(key: string): void {
    this.pending.delete(key);
  }

  get pendingKeys(): string[] {
    return [...this.pending.keys()];
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.onopen = null;
      socket.close(1000, 'left');
    }
    this.setState('closed', {});
  }

  private transmit(msg: Out): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(msg));
    return true;
  }

  private setState(state: SocketState, info: { code?: number; retryInMs?: number }): void {
    this.state = state;
    this.opts.onState?.(state, { attempt: this.attempt, ...info });
  }

  private clearTimer(): void {
    if (this.timer !== null) (this.opts.clearTimeout ?? clearTimeout)(this.timer as never);
    this.timer = null;
  }

  private connect(): void {
    if (this.closed) return;
    this.setState('connecting', {});
    let socket: SocketLike;
    try {
      socket = this.opts.create(this.opts.url);
    } catch {
      this.scheduleReconnect(undefined);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState('open', {});
      for (const msg of this.sticky.values()) this.transmit(msg);
      for (const msg of this.pending.values()) this.transmit(msg);
      if (this.openedOnce) this.opts.onReopen?.();
      this.openedOnce = true;
    };
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg: In;
      try {
        msg = JSON.parse(ev.data) as In;
      } catch {
        return;
      }
      this.opts.onMessage(msg);
    };
    socket.onerror = () => undefined; // a close follows; that is where we act
    socket.onclose = (ev) => {
      this.socket = null;
      if (this.closed) return;
      this.scheduleReconnect(ev.code);
    };
  }

  private scheduleReconnect(code: number | undefined): void {
    if (code !== undefined && FINAL_CODES.has(code)) {
      this.closed = true;
      this.setState('closed', { code });
      return;
    }
    const delay = backoffDelay(this.attempt, this.opts.backoff, this.opts.random);
    this.attempt += 1;
    this.setState('closed', { code, retryInMs: delay });
    this.timer = (this.opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms)))(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}

/** ws:// or wss:// URL of a path on this page's origin. */
export function wsUrl(path: string, location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}
