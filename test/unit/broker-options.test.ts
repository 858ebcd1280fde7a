/** Profile → mqtt.js options, one protocol rule per case (STYLE §4). */
import { describe, expect, it } from 'vitest';
import { ConnectionProfileSchema, type ConnectionProfileInput } from '../../src/shared/contract';
import { brokerOptions, MAX_PACKET_BYTES, safeBrokerUrl } from '../../src/main/core/broker/options';
import { brokerError } from '../../src/main/core/broker/broker-error';
import { parseFlags } from '../../src/main/headless/flags';

const options = (p: Partial<ConnectionProfileInput>) =>
  brokerOptions(
    ConnectionProfileSchema.parse({ name: 'site', url: 'mqtt://broker.example:1883', ...p }),
    'kilowatch-abc',
  );

describe('brokerOptions', () => {
  it('uses a persistent session, QoS-friendly defaults and our own reconnects', () => {
    const r = options({});
    expect(r).toMatchObject({
      ok: true,
      value: { clean: false, clientId: 'kilowatch-abc', reconnectPeriod: 0, protocolVersion: 4, port: 1883 },
    });
  });

  it('uses a clean session only when asked (the embedded demo broker)', () => {
    const r = brokerOptions(
      ConnectionProfileSchema.parse({ name: 'demo', url: 'mqtt://127.0.0.1:1' }),
      'kilowatch-abc',
      false,
    );
    expect(r).toMatchObject({ ok: true, value: { clean: true } });
  });

  it('defaults the port by scheme', () => {
    expect(options({ url: 'mqtts://b.example' })).toMatchObject({ value: { port: 8883 } });
    expect(options({ url: 'ws://b.example' })).toMatchObject({ value: { port: 80, path: '/mqtt' } });
    expect(options({ url: 'wss://b.example/ws' })).toMatchObject({ value: { port: 443, path: '/ws' } });
  });

  it('refuses a password without a user name in MQTT 3.1.1 (§3.1.2.9) and allows it in MQTT 5', () => {
    expect(options({ password: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(options({ password: 'x', protocolVersion: 5 })).toMatchObject({
      ok: true,
      value: { password: 'x' },
    });
  });

  it('asks MQTT 5 brokers to keep the session for a week and to send no packet over 1 MiB', () => {
    expect(options({ protocolVersion: 5 })).toMatchObject({
      value: { properties: { sessionExpiryInterval: 604800, maximumPacketSize: 1048576 } },
    });
    expect(MAX_PACKET_BYTES).toBe(1048576);
  });

  it('verifies TLS by default and sends the host name for SNI, but never an IP address', () => {
    expect(options({ url: 'mqtts://broker.example' })).toMatchObject({
      value: { rejectUnauthorized: true, servername: 'broker.example' },
    });
    const ip = options({ url: 'mqtts://10.0.0.5:8883' });
    expect(ip.ok && ip.value.servername).toBeUndefined();
    expect(options({ url: 'wss://broker.example', tls: { rejectUnauthorized: true } })).toMatchObject({
      value: { wsOptions: { servername: 'broker.example' } },
    });
  });

  it('passes CA, client certificate, key and passphrase through, and honours verification off', () => {
    const r = options({
      url: 'mqtts://b.example',
      tls: { rejectUnauthorized: false, ca: 'CA', cert: 'C', key: 'K', passphrase: 'P' },
    });
    expect(r).toMatchObject({
      value: { rejectUnauthorized: false, ca: 'CA', cert: 'C', key: 'K', passphrase: 'P' },
    });
  });

  it('takes credentials from the URL when the profile has none', () => {
    expect(options({ url: 'mqtt://front%20desk:s3cret@b.example' })).toMatchObject({
      value: { username: 'front desk', password: 's3cret' },
    });
  });

  it('never shows credentials in the URL it displays', () => {
    expect(safeBrokerUrl('mqtts://user:secret@b.example:8883')).toBe('mqtts://b.example:8883');
  });
});

describe('a broker URL typed wrongly never shows its password', () => {
  const MISTYPED = [
    'mqtt://kilo:s3cret@host:99999', // port out of range: does not parse
    'mqtt//kilo:s3cret@host', // missing colon
    'mqtt://kilo:s3cret@', // no host
    'mqtt://kilo:s3cret@[::1', // broken IPv6 literal
    'mqtt://kilo:123/s3cret@host', // a "/" in the password makes it parse as host "kilo"
    'http://kilo:s3cret@host', // wrong scheme
    'kilo:s3cret@host:1883', // no scheme at all
  ];

  it.each(MISTYPED)('%s: safeBrokerUrl drops the credentials', (url) => {
    expect(safeBrokerUrl(url)).not.toMatch(/s3cret|kilo:/);
  });

  it('keeps what is needed to spot the mistake', () => {
    expect(safeBrokerUrl('mqtt://kilo:s3cret@host:99999')).toBe('mqtt://host:99999');
    expect(safeBrokerUrl('mqtt//kilo:s3cret@host')).toBe('mqtt//host');
    expect(safeBrokerUrl('mqtt://broker.example:1883')).toBe('mqtt://broker.example:1883');
  });

  it.each(MISTYPED)('%s: no error of brokerOptions, brokerError or --broker contains it', (url) => {
    const messages: string[] = [];
    const built = brokerOptions(
      { name: 'site', url, protocolVersion: 4, keepaliveS: 30, subscribe: ['#'] },
      'id',
    );
    if (!built.ok) messages.push(built.error.message);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    messages.push(brokerError(refused, url).message);
    messages.push(brokerError(new Error('something odd'), url).message);
    const flags = parseFlags(['--broker', url]);
    if ('error' in flags) messages.push(flags.error);
    const stray = parseFlags(['--demo', url]); // a positional argument parseArgs quotes back
    if ('error' in stray) messages.push(stray.error);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const message of messages) expect(message).not.toContain('s3cret');
  });
});
