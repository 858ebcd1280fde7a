/**
 * Another console's published device aggregate (`<site>/<company>/<office>/<room>/<device>/energy`,
 * ARCHITECTURE.md §5) read as if a meter had said it: its `energyWh` and `returnedWh` are
 * cumulative counters, so the energy rules judge them like any Shelly's (README "Head office").
 * Only device topics are read: a room, office or company total would count the same energy again.
 */
import { isValidPlaceName, normaliseName } from '../site/placement';
import { MAX_POWER_W, parseJsonObject, payloadText, trustedTimeS, whCounterUnits } from '../shelly/payload';
import type { CounterFact, DecodeContext, DecodeOutcome, Fact } from '../shelly/types';

/** The one channel of a site's device: not a Shelly component name, so it never meets one. */
export const SITE_COMPONENT = 'site:0';
/** What the tree says the device is: the site's sum for it, not a Shelly. */
export const SITE_MODEL = 'Kilowatch site';

/** The publisher's escapes undone (topic-name.ts): it only ever encodes single ASCII characters. */
export function topicNameOf(segment: string): string {
  return normaliseName(
    segment.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
  );
}

/** ISO text → seconds, or null. */
function isoSeconds(raw: unknown): number | null {
  if (typeof raw !== 'string') return null;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/**
 * `rest` is the topic after `<site prefix>/`. The counter's order is the site's `ts` (its clock is
 * synced, like a Shelly's `params.ts`); its `since` rides along as the secondary key, so the
 * counting period a reading belongs to is stored with the counter (site-sources.ts).
 */
export function decodeSiteAggregate(rest: string, payload: Uint8Array, ctx: DecodeContext): DecodeOutcome {
  const segments = rest.split('/');
  // The lease, and company/office/room totals: the head office sums its own from the devices.
  if (segments.length !== 5 || segments[4] !== 'energy') return { kind: 'ignored', why: 'not-a-counter' };
  const text = payloadText(payload);
  if ('error' in text) return { kind: 'rejected', reason: text.error };
  if (text.value.length === 0) return { kind: 'ignored', why: 'empty' };
  const names = segments.slice(0, 4).map(topicNameOf);
  // A site publishes only placed devices, whose names are valid: anything else is not its output.
  if (!names.every(isValidPlaceName)) return { kind: 'rejected', reason: 'invalid-name' };
  const parsed = parseJsonObject(text.value);
  if ('error' in parsed) return { kind: 'rejected', reason: parsed.error };
  const body = parsed.value;
  const tsS = isoSeconds(body.ts);
  const sinceS = isoSeconds(body.since);
  if (tsS === null || sinceS === null || sinceS > tsS) return { kind: 'rejected', reason: 'bad-frame' };
  // Not later than the head office's own clock allows; an older one is fine (retained).
  if (trustedTimeS(tsS, ctx.arrivalS) === null) return { kind: 'rejected', reason: 'untrusted-time' };
  const facts: Fact[] = [{ type: 'identity', model: SITE_MODEL }];
  const order = { primaryS: tsS, secondaryS: sinceS };
  const counter = (direction: 'import' | 'return', raw: unknown): void => {
    const units = whCounterUnits(raw);
    if ('error' in units) {
      facts.push({ type: 'counter-rejected', component: SITE_COMPONENT, direction, reason: units.error });
      return;
    }
    const fact: CounterFact = {
      type: 'counter',
      component: SITE_COMPONENT,
      direction,
      units: units.value,
      order,
      isDeviceTimed: true,
      isGen1: false,
      isPhase: false,
      isGross: false,
    };
    facts.push(fact);
  };
  counter('import', body.energyWh);
  if (body.returnedWh !== undefined) counter('return', body.returnedWh);
  const { powerW, reporting } = body;
  if (typeof powerW === 'number' && Number.isFinite(powerW) && Math.abs(powerW) <= MAX_POWER_W)
    facts.push({ type: 'power', component: SITE_COMPONENT, powerW });
  // The site says whether it still hears the device (within its last 3 minutes).
  if (typeof reporting === 'number') facts.push({ type: 'online', isOnline: reporting > 0 });
  return { kind: 'device', device: { key: names.join('/'), generation: 2 }, facts };
}
