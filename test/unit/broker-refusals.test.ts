/**
 * One refusal table for the live connection and the wizard's test: the same broker answer must
 * give the same contract code whichever of the two heard it (issue #15).
 */
import { describe, expect, it } from 'vitest';
import { brokerError } from '../../src/main/core/broker/broker-error';
import {
  connackRefusal,
  refusedFilters,
  subackRefusal,
  subscribeRefusal,
  UNTRUSTED_CERT_CODES,
} from '../../src/main/core/broker/refusals';

const WHERE = 'mqtt://broker.example:1883';
const refusedWith = (code: number | string) => Object.assign(new Error('Connection refused'), { code });

describe('CONNACK refusals', () => {
  it.each([
    [4, 'auth-rejected'],
    [5, 'auth-rejected'],
    [0x86, 'auth-rejected'],
    [0x87, 'auth-rejected'],
    [2, 'not-authorized'],
    [0x85, 'not-authorized'],
    [0x8a, 'not-authorized'],
    [1, 'broker-unreachable'],
    [0x84, 'broker-unreachable'],
    [3, 'broker-unreachable'],
  ])('CONNACK %i → %s, in the live connection as in the table', (returnCode, code) => {
    expect(connackRefusal(returnCode).code).toBe(code);
    expect(brokerError(refusedWith(returnCode), WHERE).code).toBe(code);
  });

  it('the live connection says what every CONNACK code 1–5 and 0x80–0x9f means, as the table does', () => {
    const codes = [1, 2, 3, 4, 5, ...Array.from({ length: 32 }, (_, i) => 0x80 + i)];
    const disagreeing = codes.filter(
      (c) => brokerError(refusedWith(c), WHERE).code !== connackRefusal(c).code,
    );
    expect(disagreeing).toEqual([]);
  });

  it('a banned client is said in words, with the code', () => {
    expect(brokerError(refusedWith(0x8a), WHERE).message).toBe(
      'The broker at mqtt://broker.example:1883 refused the connection (code 138: client banned).',
    );
  });
});

describe('SUBACK refusals', () => {
  it('a granted QoS is no refusal; 0x80 and up are', () => {
    expect([0, 1, 2].map(subackRefusal)).toEqual([null, null, null]);
    expect(subackRefusal(0x80)).toEqual({ code: 'not-authorized', words: 'failure' });
    expect(subackRefusal(0x87)).toEqual({ code: 'not-authorized', words: 'not authorized' });
  });

  it('0x8f (topic filter invalid) is the filter at fault, not the user: topic-rejected', () => {
    expect(subackRefusal(0x8f)).toEqual({ code: 'topic-rejected', words: 'topic filter invalid' });
    expect(subackRefusal(0xa2)?.code).toBe('topic-rejected');
  });

  it('matches codes to filters by position, as numbers or as mqtt.js grants', () => {
    const filters = ['shellies/#', 'secret/#', 'bad/#'];
    expect(refusedFilters(filters, [1, 0x87, { qos: 0x8f }])).toEqual([
      { filter: 'secret/#', code: 0x87 },
      { filter: 'bad/#', code: 0x8f },
    ]);
    expect(refusedFilters(filters, [0, 1, { qos: 1 }])).toEqual([]);
  });

  it('names every refused filter and the first code', () => {
    expect(
      subscribeRefusal([
        { filter: 'a/+x', code: 0x8f },
        { filter: 'secret/#', code: 0x87 },
      ]),
    ).toEqual({
      code: 'topic-rejected',
      message:
        'The broker does not allow subscribing to "a/+x", "secret/#" (SUBACK 0x8f, topic filter invalid). ' +
        'Ask for read access to it, or use a filter this user may read.',
    });
    expect(subscribeRefusal([])).toBeNull();
  });
});

describe('untrusted certificates', () => {
  it.each([...UNTRUSTED_CERT_CODES])('%s → tls-untrusted in the live connection', (code) => {
    const answer = brokerError(refusedWith(code), WHERE);
    expect(answer.code).toBe('tls-untrusted');
    expect(answer.message).toBe(
      `The certificate of mqtt://broker.example:1883 is not trusted (${code}). Add the site's CA certificate.`,
    );
  });

  it('holds the codes both the wizard and the live connection used to list apart', () => {
    for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE'])
      expect(UNTRUSTED_CERT_CODES.has(code)).toBe(true);
  });
});
