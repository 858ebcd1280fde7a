/**
 * Every rejection reason reaches the screen in words a manager reads: the reasons the real
 * pipeline produces from every fixture (hostile ones included) all have words, and the words for
 * an impossible reading name its size.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  isKnownReason,
  rejectedMessagesWords,
  rejectedReadingWords,
  withPrefix,
} from '../../src/main/core/alerts/rejection-words';
import { testCore } from '../support/core';
import { loadFixtures, payloadBytes } from '../support/fixtures';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('rejection words', () => {
  it('cover every reason the pipeline gives for the fixtures, hostile ones included', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`);
    for (const fixture of loadFixtures())
      for (const m of fixture.messages)
        if (m.topic !== undefined && m.control === undefined)
          t.core.ingest.handle(m.topic, payloadBytes(m), m.retain ?? false);
    const reasons = [...t.core.stats.rejected.keys()];
    await t.close();
    expect(reasons).toEqual(
      expect.arrayContaining(['invalid-json', 'topic-wildcard', 'out-of-range', 'implausible-rate']),
    );
    expect(reasons.filter((r) => !isKnownReason(r))).toEqual([]);
  });

  it('say how many messages, in the right number', () => {
    expect(rejectedMessagesWords('invalid-json', 1)).toBe(
      '1 message was ignored because it was garbled or cut off (not valid JSON); nothing was counted from it.',
    );
    expect(rejectedMessagesWords('topic-wildcard', 3)).toBe(
      '3 messages were ignored because they came on a topic with MQTT wildcards (+ or #) in it; ' +
        'nothing was counted from them.',
    );
    // A reason without words yet still says its code rather than nothing.
    expect(rejectedMessagesWords('brand-new', 2)).toContain('(brand-new)');
  });

  it('name the size of an impossible reading', () => {
    expect(withPrefix(1.2e9, 'W')).toBe('1.2 GW');
    expect(withPrefix(120e6, 'W')).toBe('120 MW');
    expect(withPrefix(999, 'W')).toBe('999 W');
    expect(withPrefix(1500, 'Wh')).toBe('1.5 kWh');
    expect(rejectedReadingWords('HQ / Kitchen / Oven', { reason: 'implausible-power', value: 1.2e9 })).toBe(
      'HQ / Kitchen / Oven: a power reading of 1.2 GW was ignored as impossible (over 1 MW); nothing was counted from it.',
    );
    expect(rejectedReadingWords('HQ / Kitchen / Oven', { reason: 'out-of-range', value: 2e11 })).toBe(
      'HQ / Kitchen / Oven: an energy counter of 200 GWh was ignored as impossible (over 100 GWh); nothing was counted from it.',
    );
  });
});
