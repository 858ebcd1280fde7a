/**
 * PEM text from the wizard (pasted, uploaded or picked in a dialog) is proved to be what it
 * claims before it is saved or used: certificates parse as X.509, a key opens (with its
 * passphrase) and belongs to its certificate. Every refusal says what to do in plain words.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { err, ok, type ApiError, type Result } from '../../../shared/result';

export interface CertificateInfo {
  /** e.g. "CN=broker.hotel.example, O=Hotel" */
  subject: string;
  issuer: string;
  /** ISO-8601. */
  validFrom: string;
  validTo: string;
  isExpired: boolean;
  isCa: boolean;
  /** e.g. "DNS:localhost, IP Address:127.0.0.1" */
  subjectAltName?: string;
  fingerprint256: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** "CN=x\nO=y" (Node's X.509 form) → "CN=x, O=y". */
const oneLine = (name: string): string => name.split('\n').filter(Boolean).join(', ');

function isoDate(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

export function certificateInfo(cert: X509Certificate, nowMs = Date.now()): CertificateInfo {
  const validTo = isoDate(cert.validTo);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    validFrom: isoDate(cert.validFrom),
    validTo,
    isExpired: Date.parse(validTo) < nowMs,
    isCa: cert.ca,
    ...(cert.subjectAltName && { subjectAltName: cert.subjectAltName }),
    fingerprint256: cert.fingerprint256,
  };
}

/** One line a person can compare with what their IT contractor says. */
export function describeCertificate(info: CertificateInfo): string {
  const issuer = info.issuer === info.subject ? 'self-signed' : `issued by ${info.issuer}`;
  const until = `${info.isExpired ? 'expired' : 'valid until'} ${info.validTo.slice(0, 10)}`;
  return `${info.subject}, ${issuer}, ${until}`;
}

function blocks(pem: string): { label: string; text: string }[] {
  return [...pem.matchAll(BLOCK)].map((m) => ({ label: m[1] as string, text: m[0] }));
}

function notPem(pem: string, what: string, expected: string): ApiError {
  const text = pem.trim();
  if (text === '') return { code: 'invalid-params', message: `The ${what} is empty.` };
  if (/-----BEGIN /.test(text) && !/-----END /.test(text))
    return {
      code: 'invalid-params',
      message: `The ${what} is cut short: it has a BEGIN line but no END line. Paste the whole file.`,
    };
  if (/^[A-Za-z0-9+/=\s]+$/.test(text))
    return {
      code: 'invalid-params',
      message: `The ${what} has no "-----BEGIN ${expected}-----" line. Paste the whole PEM file, including the BEGIN and END lines.`,
    };
  return {
    code: 'invalid-params',
    message: `The ${what} is not a PEM file (it should start with "-----BEGIN ${expected}-----"). If you have a .der, .p12 or .pfx file, ask for the PEM version.`,
  };
}

/**
 * One or more certificates (a CA bundle or a certificate chain). `what` names the field in
 * messages: "CA certificate", "client certificate".
 */
export function parseCertificates(
  pem: string,
  what: string,
  nowMs = Date.now(),
): Result<{ certificates: CertificateInfo[]; x509: X509Certificate[] }, ApiError> {
  const found = blocks(pem);
  const certs = found.filter((b) => b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE');
  if (certs.length === 0) {
    if (found.some((b) => b.label.endsWith('PRIVATE KEY')))
      return err(
        'invalid-params',
        `The ${what} field holds a private key, not a certificate. Put the key in the client key field.`,
      );
    if (found.some((b) => b.label === 'CERTIFICATE REQUEST'))
      return err(
        'invalid-params',
        `The ${what} is a certificate request (CSR), not a certificate. Ask for the signed certificate.`,
      );
    return { ok: false, error: notPem(pem, what, 'CERTIFICATE') };
  }
  const x509: X509Certificate[] = [];
  for (const [i, block] of certs.entries()) {
    try {
      x509.push(new X509Certificate(block.text));
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      return err(
        'invalid-params',
        `Certificate ${i + 1} in the ${what} is damaged and cannot be read (${e.message.replace(/^error:[0-9A-F]+:/, '')}).`,
      );
    }
  }
  return ok({ certificates: x509.map((c) => certificateInfo(c, nowMs)), x509 });
}

/** A private key in PEM, opened with its passphrase when it is encrypted. */
export function parsePrivateKey(
  pem: string,
  passphrase: string | undefined,
  what = 'client key',
): Result<{ key: KeyObject; type: string; isEncrypted: boolean }, ApiError> {
  const found = blocks(pem).filter((b) => b.label.endsWith('PRIVATE KEY'));
  const block = found[0];
  if (!block) {
    if (blocks(pem).some((b) => b.label === 'CERTIFICATE'))
      return err(
        'invalid-params',
        `The ${what} field holds a certificate, not a private key. Put the certificate in the client certificate field.`,
      );
    return { ok: false, error: notPem(pem, what, 'PRIVATE KEY') };
  }
  const isEncrypted = block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(block.text);
  if (isEncrypted && !passphrase)
    return err('invalid-params', `The ${what} is protected by a passphrase: enter it.`);
  try {
    const key = createPrivateKey({
      key: block.text,
      format: 'pem',
      ...(isEncrypted && passphrase !== undefined && { passphrase }),
    });
    return ok({ key, type: key.asymmetricKeyType ?? 'unknown', isEncrypted });
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    if (isEncrypted)
      return err('invalid-params', `The passphrase does not unlock the ${what}. Check it and try again.`);
    return err('invalid-params', `The ${what} is damaged and cannot be read.`);
  }
}

/** The client key must belong to the client certificate, or every TLS handshake fails. */
export function checkKeyPair(
  certPem: string,
  keyPem: string,
  passphrase: string | undefined,
): Result<{ certificate: CertificateInfo }, ApiError> {
  const cert = parseCertificates(certPem, 'client certificate');
  if (!cert.ok) return cert;
  const key = parsePrivateKey(keyPem, passphrase);
  if (!key.ok) return key;
  const leaf = cert.value.x509[0] as X509Certificate;
  if (!leaf.checkPrivateKey(key.value.key))
    return err(
      'invalid-params',
      'The client key does not belong to the client certificate. Choose the key that was issued with it.',
    );
  return ok({ certificate: cert.value.certificates[0] as CertificateInfo });
}

/** All PEM material of a profile's TLS section, checked together. */
export function checkTlsMaterial(tls: {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  passphrase?: string | undefined;
}): Result<{ ca?: CertificateInfo[]; cert?: CertificateInfo }, ApiError> {
  const out: { ca?: CertificateInfo[]; cert?: CertificateInfo } = {};
  if (tls.ca) {
    const ca = parseCertificates(tls.ca, 'CA certificate');
    if (!ca.ok) return ca;
    out.ca = ca.value.certificates;
  }
  if (tls.cert && !tls.key)
    return err('invalid-params', 'A client certificate needs its private key: add the client key.');
  if (tls.key && !tls.cert)
    return err('invalid-params', 'A client key needs its certificate: add the client certificate.');
  if (tls.cert && tls.key) {
    const pair = checkKeyPair(tls.cert, tls.key, tls.passphrase);
    if (!pair.ok) return pair;
    out.cert = pair.value.certificate;
  }
  return ok(out);
}
