/**
 * Alert ids. The console counts an alert id once (a resent alert is not news), so two alerts
 * must never share one: the time alone does not do, since one socket read can carry a device
 * going offline, online and offline again within the same millisecond.
 */
let sequence = 0;

/** `<what>:<epoch ms>:<sequence>`; `what` says what the alert is about (`availability:<device>`). */
export function alertId(what: string, atMs: number): string {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  return `${what}:${atMs}:${sequence}`;
}

/** What an alert id says it is about (`availability:<device>`): the `what` given to alertId. */
export function alertSubject(id: string): string {
  return id.replace(/:\d+:\d+$/, '');
}
