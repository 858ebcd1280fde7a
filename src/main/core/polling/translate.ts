/**
 * A device's HTTP answers as the MQTT messages it would have published (PROTOCOL.md §2, §3), so
 * the same decoders and energy rules read them: Gen2+ `Shelly.GetStatus` becomes a
 * NotifyFullStatus on `<prefix>/events/rpc`, Gen1 `/status` the bare-text topics under
 * `shellies/<id>/`. Nothing is computed here; only the shapes change.
 */

export interface PolledMessage {
  topic: string;
  payload: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `online`, as the device's connect (true) or the broker's last will (false) says it. */
export const onlineMessage = (prefix: string, isOnline: boolean): PolledMessage => ({
  topic: `${prefix}/online`,
  payload: String(isOnline),
});

/** Gen2+ `Shelly.GetDeviceInfo` → `<prefix>/announce`, which carries the same fields. */
export function gen2Announce(prefix: string, info: Record<string, unknown>): PolledMessage {
  return { topic: `${prefix}/announce`, payload: JSON.stringify(info) };
}

/**
 * Gen2+ `Shelly.GetStatus` → the NotifyFullStatus a device sends on connect. Without `ts`: the
 * answer is timed by its arrival, like a `<prefix>/status` reply (§5.3); `aenergy.minute_ts`
 * still orders switch counters.
 */
export function gen2FullStatus(
  prefix: string,
  deviceId: string | undefined,
  status: Record<string, unknown>,
): PolledMessage {
  const frame = {
    ...(deviceId !== undefined && { src: deviceId }),
    dst: `${prefix}/events`,
    method: 'NotifyFullStatus',
    params: status,
  };
  return { topic: `${prefix}/events/rpc`, payload: JSON.stringify(frame) };
}

/** A number as Gen1 prints it on MQTT (plain decimal), or null when it is none. */
function decimal(v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  const text = String(v);
  return /e/i.test(text) ? v.toFixed(3) : text;
}

/** Gen1 `/shelly` → `shellies/<id>/announce` (`type` is the model code there). */
export function gen1Announce(prefix: string, shelly: Record<string, unknown>): PolledMessage {
  const id = prefix.slice('shellies/'.length);
  const announce = {
    id,
    ...(typeof shelly.type === 'string' && { model: shelly.type }),
    ...(typeof shelly.mac === 'string' && { mac: shelly.mac }),
    ...(typeof shelly.fw === 'string' && { fw_ver: shelly.fw }),
  };
  return { topic: `${prefix}/announce`, payload: JSON.stringify(announce) };
}

/**
 * Gen1 `/status` → `relay/<i>` (on/off), `relay/<i>/power` (W) and `relay/<i>/energy`
 * (`meters[i].total`, watt-minutes since boot), and for an EM `emeter/<i>/…` (`total` in Wh).
 */
export function gen1Status(prefix: string, status: Record<string, unknown>): PolledMessage[] {
  const out: PolledMessage[] = [];
  const push = (suffix: string, text: string | null) => {
    if (text !== null) out.push({ topic: `${prefix}/${suffix}`, payload: text });
  };
  const relays = Array.isArray(status.relays) ? status.relays : [];
  const meters = Array.isArray(status.meters) ? status.meters : [];
  relays.forEach((relay, i) => {
    if (!isRecord(relay)) return;
    if (typeof relay.ison === 'boolean') push(`relay/${i}`, relay.ison ? 'on' : 'off');
    const meter: unknown = meters[i];
    // `is_valid` false: the meter could not measure; its figures are not readings.
    if (!isRecord(meter) || meter.is_valid === false) return;
    push(`relay/${i}/power`, decimal(meter.power));
    push(`relay/${i}/energy`, decimal(meter.total));
  });
  const emeters = Array.isArray(status.emeters) ? status.emeters : [];
  emeters.forEach((em, i) => {
    if (!isRecord(em) || em.is_valid === false) return;
    push(`emeter/${i}/power`, decimal(em.power));
    push(`emeter/${i}/voltage`, decimal(em.voltage));
    push(`emeter/${i}/pf`, decimal(em.pf));
    push(`emeter/${i}/total`, decimal(em.total));
    push(`emeter/${i}/total_returned`, decimal(em.total_returned));
  });
  return out;
}
