/**
 * Hostile MQTT traffic for the fuzz test (PROTOCOL.md §8), as fast-check arbitraries plus a fixed
 * catalogue that makes sure every rejection reason appears at least once whatever the seed.
 *
 * Two families, so the test can state exactly what may count:
 * - `ownPrefixJunk(prefix, src)`: messages on a real, placed device's own topics whose counters are
 *   all invalid (wrong type, non-finite, negative, out of range) or whose frame cannot be read at
 *   all. None of them may change that device's energy.
 * - `elsewhere()`: anything at all, including valid counters, on topics whose prefix can never be a
 *   placement (first segment not a valid place name, Gen1 `shellies/…`, default device-id prefix,
 *   or rejected topics). Whatever they count lands in "Unassigned", never in a company.
 *
 * Topics never contain `+`, `#`, NUL, control or C1 characters, and never start with `$`: a broker
 * refuses those (they are decoder-only cases).
 */
import fc from 'fast-check';

export interface HostileMessage {
  topic: string;
  payload: Buffer;
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Counter values that must be rejected: [JSON text, the reason the decoder gives]. */
export const INVALID_COUNTERS: ReadonlyArray<[string, string]> = [
  ['"150.000"', 'wrong-type'],
  ['"1523.117"', 'wrong-type'],
  ['null', 'wrong-type'],
  ['true', 'wrong-type'],
  ['false', 'wrong-type'],
  ['[]', 'wrong-type'],
  ['[1523.117]', 'wrong-type'],
  ['{}', 'wrong-type'],
  ['{"total":5}', 'wrong-type'],
  ['1e999', 'non-finite'],
  ['-1e999', 'non-finite'],
  ['-1', 'negative'],
  ['-0.001', 'negative'],
  ['-1523.117', 'negative'],
  ['1e12', 'out-of-range'],
  ['100000000000.001', 'out-of-range'],
  ['1e300', 'out-of-range'],
];

const invalidCounterArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INVALID_COUNTERS.map(([t]) => t)),
  fc.double({ max: -0.001, noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.double({ min: 1.000001e11, noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"NaN"', '"Infinity"', '"-1"', '""', '"0x1F"'),
);

/** Anything a timestamp field may hold, sane or not: it never makes an invalid counter valid. */
const anyTsArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }).map(String),
  fc.constantFrom(
    '1.61',
    '1.73229721333E9',
    'null',
    '"1741593660"',
    '1e999',
    '-5',
    '99999999999',
    'true',
    '[]',
  ),
);

/** Components that carry counters, with the field that holds the counter. */
const COUNTER_COMPONENTS: ReadonlyArray<(id: number, value: string, ts: string) => [string, string]> = [
  (id, v, ts) => [
    `switch:${id}`,
    `{"id":${id},"aenergy":{"by_minute":[0,0,0],"minute_ts":${ts},"total":${v}}}`,
  ],
  (id, v, ts) => [
    `switch:${id}`,
    `{"id":${id},"ret_aenergy":{"by_minute":[0,0,0],"minute_ts":${ts},"total":${v}}}`,
  ],
  (id, v, ts) => [`pm1:${id}`, `{"id":${id},"aenergy":{"minute_ts":${ts},"total":${v}},"apower":12.5}`],
  (id, v, ts) => [`cover:${id}`, `{"id":${id},"aenergy":{"minute_ts":${ts},"total":${v}}}`],
  (id, v) => [`emdata:${id}`, `{"id":${id},"total_act":${v},"total_act_ret":${v},"a_total_act_energy":${v}}`],
  (id, v) => [`em1data:${id}`, `{"id":${id},"total_act_energy":${v},"total_act_ret_energy":${v}}`],
];

/** A Gen2 NotifyStatus / NotifyFullStatus whose every counter is invalid. */
function invalidCounterFrame(prefix: string, src: string): fc.Arbitrary<string> {
  return fc
    .record({
      method: fc.constantFrom('NotifyStatus', 'NotifyFullStatus'),
      ts: anyTsArb,
      parts: fc.array(
        fc.record({
          make: fc.constantFrom(...COUNTER_COMPONENTS),
          id: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })),
          value: invalidCounterArb,
          ts: anyTsArb,
        }),
        { minLength: 1, maxLength: 4 },
      ),
      extra: fc.constantFrom(
        '',
        ',"__proto__":{"aenergy":{"total":5}}',
        ',"constructor":{"prototype":{"polluted":true}}',
        ',"sys":{"uptime":3}',
        ',"switch:99999999":{"id":99999999,"aenergy":{"total":5}}',
        ',"switch:65536":{"id":65536,"aenergy":{"total":5}}',
        ',"pm1:0000012":{"aenergy":{"total":5}}',
        ',"Switch:0":{"aenergy":{"total":5}}',
        ',"switch:-1":{"aenergy":{"total":5}}',
        ',"switch:0.5":{"aenergy":{"total":5}}',
        ',"em:0":{"total_act_power":1e999}',
      ),
    })
    .map(({ method, ts, parts, extra }) => {
      const body = parts.map(({ make, id, value, ts: minuteTs }) => {
        const [key, status] = make(id, value, minuteTs);
        return `${JSON.stringify(key)}:${status}`;
      });
      return `{"src":"${src}","dst":"${prefix}/events","method":"${method}","params":{"ts":${ts},${body.join(',')}${extra}}}`;
    });
}

function deepJson(depth: number, style: 'array' | 'object'): string {
  return style === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Payloads that cannot be read at all, whatever the topic. */
const unreadablePayloadArb: fc.Arbitrary<Buffer> = fc.oneof(
  // random bytes
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
  // invalid UTF-8: lone continuation bytes, overlong forms, surrogates, truncated sequences
  fc
    .tuple(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        [0xff],
        [0xfe, 0xff],
        [0x80],
        [0xc0, 0xaf],
        [0xe0, 0x80, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
        [0xe2, 0x82],
      ),
    )
    .map(([s, bad]) =>
      Buffer.concat([
        text(`{"src":"x","params":{"s":"${s.replace(/["\\]/g, '')}`),
        Buffer.from(bad),
        text('"}}'),
      ]),
    ),
  // deep nesting, up to 10 000 levels
  fc
    .tuple(fc.integer({ min: 33, max: 10_000 }), fc.constantFrom('array' as const, 'object' as const))
    .map(([d, s]) => text(deepJson(d, s))),
  // not JSON: NaN, Infinity, truncated, plain text, single quotes
  fc
    .constantFrom(
      'NaN',
      'Infinity',
      '-Infinity',
      '{"params":{"ts":NaN}}',
      '{"params":{"switch:0":{"aenergy":{"total":Infinity}}}}',
      '{"method":"NotifyStatus","params":{',
      "{'method':'NotifyStatus'}",
      'on',
      '{"a":1}}',
      '\uFEFF{"a":1}',
    )
    .map(text),
  // JSON that is not an object
  fc
    .constantFrom('[]', '[1,2,3]', '42', '1e999', '"text"', 'null', 'true', '[{"method":"NotifyStatus"}]')
    .map(text),
);

/** Frames that parse but are not readable notifications. */
function badFrameArb(prefix: string, src: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    `{"src":"${src}","method":"NotifyStatus"}`,
    `{"src":"${src}","method":"NotifyStatus","params":null}`,
    `{"src":"${src}","method":"NotifyStatus","params":[{"switch:0":{"aenergy":{"total":5}}}]}`,
    `{"src":"${src}","method":"NotifyStatus","params":"switch:0"}`,
    `{"src":"${src}","method":"NotifyFullStatus","params":42}`,
    `{"src":"${src}","method":"NotifyEvent","params":{"ts":1.61}}`,
    `{"src":"${src}","method":"NotifyEvent","params":{"events":{"component":"sys"}}}`,
    `{"src":"${src}","dst":"${prefix}/events","method":"NotifyEvent","params":{"ts":1741593730.17,"events":[{"component":"sys", "event":"scheduled_restart", "time_ms": 1000}]}}`,
    `{"src":"${src}","method":"Unknown.Method","params":{"switch:0":{"aenergy":{"total":5}}}}`,
    `{"src":"${src}","result":{"switch:0":{"aenergy":{"total":5}}}}`,
    `{"method":["NotifyStatus"],"params":{"switch:0":{"aenergy":{"total":5}}}}`,
    `{"__proto__":{"method":"NotifyStatus"},"params":{"switch:0":{"aenergy":{"total":5}}}}`,
  );
}

/** Every message on a placed device's own topics: none may change its energy. */
export function ownPrefixJunk(prefix: string, src: string): fc.Arbitrary<HostileMessage> {
  const events = `${prefix}/events/rpc`;
  return fc.oneof(
    {
      weight: 6,
      arbitrary: invalidCounterFrame(prefix, src).map((p) => ({ topic: events, payload: text(p) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('switch:0', 'pm1:0', 'cover:0'),
          invalidCounterArb,
          fc.constantFrom('aenergy', 'ret_aenergy'),
        )
        .map(([c, v, f]) => ({
          topic: `${prefix}/status/${c}`,
          payload: text(
            `{"id":0, "source":"init", "output":true, "${f}":{"total":${v},"by_minute":[0,0,0],"minute_ts":1741593840}}`,
          ),
        })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(events, `${prefix}/status/switch:0`, `${prefix}/announce`, `${prefix}/rpc`),
          unreadablePayloadArb,
        )
        .map(([topic, payload]) => ({ topic, payload })),
    },
    { weight: 1, arbitrary: badFrameArb(prefix, src).map((p) => ({ topic: events, payload: text(p) })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('true', 'false', 'TRUE', '1', '', 'null', '{"online":true}', 'true ')
        .map((p) => ({ topic: `${prefix}/online`, payload: text(p) })),
    },
  );
}

/** A huge but well-formed frame (50–200 KiB) on the device's own topic, with only an invalid counter. */
export function hugeFrame(prefix: string, src: string): fc.Arbitrary<HostileMessage> {
  return fc.tuple(fc.integer({ min: 50_000, max: 200_000 }), invalidCounterArb).map(([size, v]) => ({
    topic: `${prefix}/events/rpc`,
    payload: text(
      `{"src":"${src}","method":"NotifyStatus","params":{"ts":1741593840.22,"junk":"${'x'.repeat(size)}",` +
        `"switch:0":{"id":0,"aenergy":{"total":${v}}}}}`,
    ),
  }));
}

/** Odd but broker-legal topic segments (no `/`, `+`, `#`, NUL, controls; never a suffix word). */
const ODD_SEGMENTS = [
  'Salão',
  'Sala\u0303o',
  '☃',
  '😀 emoji',
  'zero\u200bwidth',
  'rtl\u202eevil',
  'Ωμέγα',
  'with space',
  ' leading',
  'trailing ',
  '100%',
  '%2F',
  '%00',
  "x'); DROP TABLE readings;--",
  '<img src=x onerror=alert(1)>',
  '=cmd|calc',
  '..',
  '.',
  '...',
  '__proto__',
  'constructor',
  '\\',
  '"quoted"',
  'a'.repeat(64),
  'b'.repeat(65),
];

const oddSegmentArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ODD_SEGMENTS),
  fc
    .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 16 })
    .map((s) => s.replace(/[+#/$]/g, '_'))
    .filter(
      (s) =>
        !['events', 'rpc', 'status', 'command', 'error', 'online', 'announce', 'debug', 'log'].includes(s),
    ),
);

/** Prefixes that can never be placed: the first segment is not a valid place name. */
const unplaceablePrefixArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('~fuzz', '_fuzz', '-fuzz', '(fuzz)', '.fuzz', ' fuzz'),
      fc.array(oddSegmentArb, { minLength: 0, maxLength: 6 }),
    )
    .map(([head, rest]) => [head, ...rest].join('/')),
  fc.integer({ min: 0, max: 0xffff }).map((n) => `shellyplus1pm-${(0xdeadbe000000 + n).toString(16)}`),
  fc.integer({ min: 1, max: 5 }).map((n) => `~fuzz${'/x'.repeat(n)}//empty`),
  fc.constant(`~fuzz/${'L'.repeat(480)}`),
);

const GEN2_SUFFIXES = [
  'events/rpc',
  'status/switch:0',
  'status/pm1:0',
  'status/emdata:0',
  'online',
  'announce',
  'rpc',
  'command',
];
const GEN1_SUFFIXES = [
  'relay/0',
  'relay/0/power',
  'relay/0/energy',
  'relay/1/energy',
  'emeter/0/total',
  'emeter/1/total_returned',
  'emeter/0/energy',
  'online',
  'announce',
  'info',
  'command',
];

/** A plausible-looking frame with a valid or invalid counter, for non-placeable prefixes. */
const anyFrameArb: fc.Arbitrary<string> = fc
  .record({
    src: fc.oneof(fc.constant('shellyplus1pm-a8032ab1c2d3'), fc.string({ maxLength: 20 })),
    ts: anyTsArb,
    component: fc.oneof(
      fc.constantFrom(
        'switch:0',
        'switch:1',
        'pm1:0',
        'cover:0',
        'switch',
        'switch:99999999',
        '__proto__',
        'toString',
      ),
      fc.string({ maxLength: 12 }),
    ),
    total: fc.oneof(
      fc.integer({ min: 0, max: 1e9 }).map((n) => (n / 1000).toFixed(3)),
      fc.constantFrom('1e11', '0', '0.000', '1e10'),
      invalidCounterArb,
    ),
  })
  .map(
    ({ src, ts, component, total }) =>
      `{"src":${JSON.stringify(src)},"method":"NotifyStatus","params":{"ts":${ts},${JSON.stringify(component)}:` +
      `{"id":0,"aenergy":{"by_minute":[0,0,0],"minute_ts":${ts},"total":${total}}}}}`,
  );

const gen1PayloadArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0x1F',
    ' 42',
    '42 ',
    '1e3',
    '-1',
    '-5',
    'on',
    'off',
    'overpower',
    'true',
    'NaN',
    '',
    '3003.4',
    '418230',
  ),
  fc.integer({ min: 0, max: 1e9 }).map(String),
  fc.string({ maxLength: 10 }),
);

/** Anything at all on topics that can never hold a placed device. */
export function elsewhere(): fc.Arbitrary<HostileMessage> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          unplaceablePrefixArb,
          fc.constantFrom(...GEN2_SUFFIXES),
          fc.oneof(anyFrameArb.map(text), unreadablePayloadArb),
        )
        .map(([prefix, suffix, payload]) => ({ topic: `${prefix}/${suffix}`, payload })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(oddSegmentArb, fc.constantFrom(...GEN1_SUFFIXES), gen1PayloadArb)
        .map(([id, suffix, payload]) => ({ topic: `shellies/${id}/${suffix}`, payload: text(payload) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constant('{"id":"shellyplug-s-C8C9A3B8FDE8","model":"SHPLG-S"}'),
          fc.constant('{"id":"Lab/Porto/Bench/Meter1","model":"SHPLG-S"}'),
          fc.constant('{"id":"../../etc","model":"SHPLG-S"}'),
          fc.constant('{"id":42}'),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
        )
        .map((p) => ({ topic: 'shellies/announce', payload: text(p) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.array(oddSegmentArb, { minLength: 1, maxLength: 8 }),
          fc.oneof(
            fc.jsonValue({ maxDepth: 4 }).map((v) => text(JSON.stringify(v) ?? 'null')),
            unreadablePayloadArb,
          ),
        )
        .map(([segments, payload]) => ({ topic: `~odd/${segments.join('/')}`, payload })),
    },
  );
}

/**
 * A fixed catalogue of one-off cases, so every reason label appears whatever the seed:
 * [message, the reason `stats.get` must count for it].
 */
export function catalogue(prefix: string, src: string): Array<[HostileMessage, string]> {
  const events = `${prefix}/events/rpc`;
  const frame = (v: string) =>
    text(
      `{"src":"${src}","dst":"${prefix}/events","method":"NotifyStatus","params":{"ts":1741593840.22,"switch:0":{"id":0,"aenergy":{"by_minute":[0,0,0],"minute_ts":1741593840,"total":${v}}}}}`,
    );
  const out: Array<[HostileMessage, string]> = [];
  for (const [v, reason] of INVALID_COUNTERS) out.push([{ topic: events, payload: frame(v) }, reason]);
  out.push(
    [{ topic: events, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, 'invalid-utf8'],
    [{ topic: events, payload: text('NaN') }, 'invalid-json'],
    [{ topic: events, payload: text('{"params":{"ts":Infinity}}') }, 'invalid-json'],
    [{ topic: events, payload: text(deepJson(10_000, 'array')) }, 'too-deep'],
    [{ topic: events, payload: text(deepJson(10_000, 'object')) }, 'too-deep'],
    [{ topic: events, payload: text('[1,2,3]') }, 'not-an-object'],
    [{ topic: events, payload: text('42') }, 'not-an-object'],
    [{ topic: events, payload: text(`{"src":"${src}","method":"NotifyStatus","params":[1]}`) }, 'bad-frame'],
    [
      {
        topic: events,
        payload: text(
          `{"src":"${src}","method":"NotifyStatus","params":{"switch:99999999":{"id":99999999,"aenergy":{"total":5}}}}`,
        ),
      },
      'bad-component-id',
    ],
    [{ topic: events, payload: Buffer.alloc(300 * 1024, 0x20) }, 'payload-too-large'],
    [{ topic: `~fuzz/../a/b/c/events/rpc`, payload: frame('5') }, 'topic-dot-segment'],
    [{ topic: `Lab/Porto/../Meter1/events/rpc`, payload: frame('5') }, 'topic-dot-segment'],
    [{ topic: `~fuzz//a/events/rpc`, payload: frame('5') }, 'topic-empty-segment'],
    [{ topic: `Lab/Porto/Bench/Meter1/events/rpc/`, payload: frame('5') }, 'topic-empty-segment'],
    [{ topic: `~fuzz/${'é'.repeat(250)}/events/rpc`, payload: frame('5') }, 'topic-too-long'],
    [{ topic: `shellies/shelly1pm-C45BBE6A1F2D/relay/0/energy`, payload: text('0x1F') }, 'not-a-number'],
    [{ topic: `shellies/shelly1pm-C45BBE6A1F2D/relay/0/energy`, payload: text(' 42') }, 'not-a-number'],
  );
  return out;
}
