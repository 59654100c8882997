// The kiosk's idle reset: after `idleSeconds` without a touch it warns for `warnSeconds`, then
// starts over. Pure timing logic, so it is tested without a browser.
export interface IdleState {
  warning: boolean;
  secondsLeft: number;
}

export function idleState(idleSeconds: number, warnSeconds: number, secondsSinceTouch: number): IdleState & { expired: boolean } {
  const warnAt = Math.max(0, idleSeconds - warnSeconds);
  if (secondsSinceTouch >= idleSeconds) return { warning: false, secondsLeft: 0, expired: true };
  if (secondsSinceTouch >= warnAt) return { warning: true, secondsLeft: Math.ceil(idleSeconds - secondsSinceTouch), expired: false };
  return { warning: false, secondsLeft: Math.ceil(idleSeconds - secondsSinceTouch), expired: false };
}

/** ?idle=SECONDS (kept in localStorage), else 90 s; at least 10 s. */
export function configuredIdleSeconds(search: string, stored: string | null): number {
  const asked = Number(new URLSearchParams(search).get('idle') ?? stored ?? 90);
  return Number.isFinite(asked) && asked >= 10 ? Math.floor(asked) : 90;
}
