// Task lease timing: when to renew it, when to warn that it is about to expire.

export interface LeaseStatus {
  msLeft: number;
  expired: boolean;
  /** Less than `warnMs` left: tell the annotator. */
  warn: boolean;
  /** Delay until the next heartbeat. */
  nextHeartbeatMs: number;
}

export const WARN_MS = 2 * 60_000;
export const MAX_HEARTBEAT_MS = 60_000;
export const MIN_HEARTBEAT_MS = 5_000;

/** `expiresAt`: ISO timestamp from the server (null: no lease). Clock skew is the caller's: pass `skewMs`. */
export function leaseStatus(expiresAt: string | null, now: number, skewMs = 0, warnMs = WARN_MS): LeaseStatus | null {
  if (!expiresAt) return null;
  const expires = Date.parse(expiresAt);
  if (Number.isNaN(expires)) return null;
  const msLeft = expires - (now + skewMs);
  // Renew at a third of what is left (at most every minute, at least every 5 s), so two missed beats still leave time.
  const nextHeartbeatMs = Math.max(MIN_HEARTBEAT_MS, Math.min(MAX_HEARTBEAT_MS, Math.floor(msLeft / 3)));
  return { msLeft, expired: msLeft <= 0, warn: msLeft > 0 && msLeft < warnMs, nextHeartbeatMs };
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}
