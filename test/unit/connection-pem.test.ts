/**
 * PEM checks: what the wizard accepts as a CA, a client certificate and a key, and the plain
 * words it answers with otherwise. The PEM comes from a throwaway PKI made by the openssl CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkKeyPair,
  checkTlsMaterial,
  describeCertificate,
  parseCertificates,
  parsePrivateKey,
} from '../../src/main/core/broker/pem';
import { makePki, type TestPki } from '../support/mosquitto-tls';

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki?.remove());

const messageOf = (r: { ok: boolean; error?: { message: string } }) => (r.ok ? null : r.error?.message);

describe('certificates', () => {
  it('reads subject, issuer, validity and names', () => {
    const r = parseCertificates(pki.server.cert, 'CA certificate');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [info] = r.value.certificates;
    expect(info).toMatchObject({
      subject: 'CN=localhost',
      issuer: 'CN=Kilowatch Test CA',
      isExpired: false,
      isCa: false,
      subjectAltName: 'DNS:localhost, IP Address:127.0.0.1',
    });
    expect(info?.validTo).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(describeCertificate(info!)).toMatch(
      /^CN=localhost, issued by CN=Kilowatch Test CA, valid until \d{4}-/,
    );
  });

  it('reads a bundle of several certificates, and says self-signed and expired', () => {
    const r = parseCertificates(`${pki.ca.pem}\n${pki.expired.cert}`, 'CA certificate');
    expect(r.ok && r.value.certificates.map((c) => describeCertificate(c))).toEqual([
      expect.stringMatching(/^CN=Kilowatch Test CA, self-signed, valid until/),
      'CN=localhost, issued by CN=Kilowatch Test CA, expired 2020-02-01',
    ]);
    expect(r.ok && r.value.certificates[0]?.isCa).toBe(true);
  });

  it('refuses, in plain words: empty, no BEGIN line, a key, a cut-off file, garbage, damaged', () => {
    expect(messageOf(parseCertificates('', 'CA certificate'))).toBe('The CA certificate is empty.');
    const body = pki.ca.pem.split('\n').slice(1, -2).join('\n');
    expect(messageOf(parseCertificates(body, 'CA certificate'))).toMatch(
      /has no "-----BEGIN CERTIFICATE-----" line/,
    );
    expect(messageOf(parseCertificates(pki.client.key, 'CA certificate'))).toMatch(
      /holds a private key, not a certificate/,
    );
    expect(messageOf(parseCertificates(pki.ca.pem.slice(0, 200), 'CA certificate'))).toMatch(/cut short/);
    expect(messageOf(parseCertificates('<html>hello</html>', 'CA certificate'))).toMatch(
      /is not a PEM file.*\.der, \.p12 or \.pfx/,
    );
    const damaged = pki.ca.pem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    const r = parseCertificates(damaged, 'CA certificate');
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(messageOf(r)).toMatch(/Certificate 1 in the CA certificate is damaged/);
  });
});

describe('keys', () => {
  it('opens a plain key and an encrypted key with its passphrase', () => {
    expect(parsePrivateKey(pki.client.key, undefined)).toMatchObject({
      ok: true,
      value: { type: 'ec', isEncrypted: false },
    });
    expect(parsePrivateKey(pki.encryptedClientKey.key, pki.encryptedClientKey.passphrase)).toMatchObject({
      ok: true,
      value: { isEncrypted: true },
    });
  });

  it('asks for a missing passphrase and refuses a wrong one, never echoing it', () => {
    expect(messageOf(parsePrivateKey(pki.encryptedClientKey.key, undefined))).toBe(
      'The client key is protected by a passphrase: enter it.',
    );
    const wrong = messageOf(parsePrivateKey(pki.encryptedClientKey.key, 'not-the-passphrase'));
    expect(wrong).toBe('The passphrase does not unlock the client key. Check it and try again.');
    expect(wrong).not.toContain('not-the-passphrase');
  });

  it('says when a certificate was put in the key field', () => {
    expect(messageOf(parsePrivateKey(pki.client.cert, undefined))).toMatch(
      /holds a certificate, not a private key/,
    );
  });

  it('checks that the key belongs to the certificate', () => {
    expect(checkKeyPair(pki.client.cert, pki.client.key, undefined).ok).toBe(true);
    expect(messageOf(checkKeyPair(pki.client.cert, pki.rogueClient.key, undefined))).toBe(
      'The client key does not belong to the client certificate. Choose the key that was issued with it.',
    );
  });

  it('wants a certificate and a key together', () => {
    expect(messageOf(checkTlsMaterial({ cert: pki.client.cert }))).toMatch(/needs its private key/);
    expect(messageOf(checkTlsMaterial({ key: pki.client.key }))).toMatch(/needs its certificate/);
    expect(checkTlsMaterial({ ca: pki.ca.pem, cert: pki.client.cert, key: pki.client.key })).toMatchObject({
      ok: true,
      value: { ca: [{ subject: 'CN=Kilowatch Test CA' }], cert: { subject: 'CN=frontdesk' } },
    });
  });
});
