/**
 * Every reason the core rejects a message or a reading for, in words a site manager reads. The
 * reason codes stay what they are (stats, ledger, diagnostics use them); an alert says the words
 * and keeps the code in its technical detail.
 */

/** What was wrong, finishing "ignored because it …". */
const WHY: Record<string, string> = {
  'topic-empty': 'came on an empty topic',
  'topic-control-char': 'came on a topic with control characters in it',
  'topic-wildcard': 'came on a topic with MQTT wildcards (+ or #) in it',
  'topic-too-long': 'came on a topic far longer than any Shelly uses',
  'topic-empty-segment': 'came on a topic with an empty level (a double slash)',
  'topic-dot-segment': 'came on a topic with a "." or ".." level',
  'payload-too-large': 'was larger than 256 KB, far more than a Shelly ever sends',
  'invalid-utf8': 'was not readable text',
  'too-deep': 'was nested too deeply to be a Shelly message',
  'invalid-json': 'was garbled or cut off (not valid JSON)',
  'not-an-object': 'did not have the shape of a Shelly message',
  'bad-frame': 'was a Shelly notification with its contents missing',
  'bad-announce': 'was a device announcement without a device id',
  'bad-online-value': 'said neither online nor offline',
  'bad-component-id': 'named a part of the device that cannot exist',
  'not-a-number': 'carried a reading that is not a number',
  'wrong-type': 'carried an energy counter that is not a number',
  'non-finite': 'carried an energy counter that is not a finite number',
  negative: 'carried a negative energy counter',
  'out-of-range': 'carried an energy counter above 100 GWh, which no meter reaches',
  'implausible-power': 'carried a power reading above 1 MW, impossible for a Shelly',
  'implausible-reading': 'carried a voltage, current or power factor that is physically impossible',
  'implausible-rate': 'carried a meter reading that would mean more than 1 MW on average',
  'unreadable-energy': 'reported energy in a form Kilowatch cannot read',
  'lease-too-large': "was another console's aggregator claim, too large to be one",
  'lease-not-json': "was another console's aggregator claim, garbled",
  'lease-invalid': "was another console's aggregator claim, in a form Kilowatch does not know",
  flood: 'came from a device sending far more messages than a Shelly does',
};

export const isKnownReason = (reason: string): boolean => Object.hasOwn(WHY, reason);

function why(reason: string): string {
  return WHY[reason] ?? `was refused for a reason Kilowatch has no words for yet (${reason})`;
}

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/** "3 messages were ignored because they were garbled …; nothing was counted from them." */
export function rejectedMessagesWords(reason: string, count: number): string {
  // Every phrase is in the past tense; only "was" changes with the number.
  const phrase = why(reason).replace(/^was /, plural(count, 'was ', 'were '));
  return (
    `${count} ${plural(count, 'message was', 'messages were')} ignored because ` +
    `${plural(count, 'it', 'they')} ${phrase}; nothing was counted from ${plural(count, 'it', 'them')}.`
  );
}

/** 1 234 567 → "1.2 MW"; the unit steps up by thousands, one decimal where it helps. */
export function withPrefix(value: number, unit: string): string {
  const prefixes = ['', 'k', 'M', 'G', 'T', 'P'];
  let scaled = Math.abs(value);
  let i = 0;
  while (scaled >= 1000 && i < prefixes.length - 1) {
    scaled /= 1000;
    i++;
  }
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  const digits = scaled >= 100 || Number.isInteger(scaled) ? 0 : 1;
  const text = (value < 0 ? -scaled : scaled).toFixed(digits);
  return `${text} ${prefixes[i]}${unit}`;
}

/** One reading of one channel, ignored: what it was, in words, when the value is known. */
export interface RejectedReading {
  reason: string;
  /** The reading as sent: W for power, Wh for a counter. */
  value?: number;
  /** For implausible-rate: the average power the rise would mean, W. */
  impliedW?: number;
}

/** "a reading of 1.2 GW was ignored as impossible (a Shelly cannot draw over 1 MW)". */
function readingPhrase(r: RejectedReading): string {
  const known = r.value !== undefined && Number.isFinite(r.value);
  switch (r.reason) {
    case 'implausible-power':
      return known
        ? `a power reading of ${withPrefix(r.value as number, 'W')} was ignored as impossible (over 1 MW)`
        : 'a power reading that is not a real number was ignored as impossible';
    case 'implausible-rate':
      return r.impliedW !== undefined
        ? `a meter reading that would mean ${withPrefix(r.impliedW, 'W')} on average was ignored as impossible (over 1 MW)`
        : 'a meter reading that would mean over 1 MW on average was ignored as impossible';
    case 'out-of-range':
      return known
        ? `an energy counter of ${withPrefix(r.value as number, 'Wh')} was ignored as impossible (over 100 GWh)`
        : 'an energy counter above 100 GWh was ignored as impossible';
    case 'negative':
      return known
        ? `a negative energy counter (${withPrefix(r.value as number, 'Wh')}) was ignored`
        : 'a negative energy counter was ignored';
    default:
      return `a reading was ignored because it ${why(r.reason)}`;
  }
}

/** "Aurora / Porto / Kitchen / Oven: a reading of 1.2 GW was ignored as impossible …" */
export function rejectedReadingWords(where: string, reading: RejectedReading): string {
  return `${where}: ${readingPhrase(reading)}; nothing was counted from it.`;
}
