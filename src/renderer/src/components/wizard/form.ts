/**
 * The wizard's form: what the person types (strings, as typed), the presets, and the checks
 * that run as they type. A form becomes a contract `ConnectionProfile` only here, validated by
 * the contract's own zod schemas, so the wizard never sends what the core would refuse.
 * Pure: no React, no DOM, no transport (unit-tested in Node).
 */
import type { ZodType } from 'zod';
import {
  ConnectionProfileSchema,
  TlsOptionsSchema,
  type ConnectionProfile,
  type ConnectionProfileInput,
} from '../../../../shared/contract';
import { t, type MessageKey } from '../../i18n/words';

export const WIZARD_STEPS = ['broker', 'security', 'topics', 'test', 'save'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];
export const STEP_TITLES: Record<WizardStep, MessageKey> = {
  broker: 'wizard.step.broker',
  security: 'wizard.step.security',
  topics: 'wizard.step.topics',
  test: 'wizard.step.test',
  save: 'wizard.step.save',
};

export const PROTOCOLS = ['mqtt', 'mqtts', 'ws', 'wss'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const DEFAULT_PORTS: Record<Protocol, number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };
export const isTlsProtocol = (p: Protocol): boolean => p === 'mqtts' || p === 'wss';
export const isWsProtocol = (p: Protocol): boolean => p === 'ws' || p === 'wss';

export interface WizardForm {
  preset: PresetId;
  name: string;
  protocol: Protocol;
  host: string;
  port: string;
  /** WebSocket path (ws/wss only). */
  path: string;
  protocolVersion: 4 | 5;
  /** Empty: the console's automatic id, stable per install. */
  clientId: string;
  keepaliveS: string;
  username: string;
  /** Empty: none (or, for a saved profile, the stored one is kept by the core). */
  password: string;
  verifyServer: boolean;
  ca: string;
  cert: string;
  key: string;
  passphrase: string;
  servername: string;
  /** One filter per line. */
  subscribe: string;
}
export type FieldName = Exclude<keyof WizardForm, 'preset'>;

export const PRESETS = {
  mosquitto: {
    label: 'Mosquitto',
    form: { protocol: 'mqtts', port: '8883', protocolVersion: 4, subscribe: '#' },
  },
  emqx: { label: 'EMQX', form: { protocol: 'mqtts', port: '8883', protocolVersion: 5, subscribe: '#' } },
  coreflux: {
    label: 'Coreflux',
    form: { protocol: 'mqtts', port: '8883', protocolVersion: 4, subscribe: 'Coreflux/#' },
  },
  custom: { label: 'Other', form: {} },
} as const satisfies Record<string, { label: string; form: Partial<WizardForm> }>;
export type PresetId = keyof typeof PRESETS;

export function emptyForm(): WizardForm {
  return {
    preset: 'mosquitto',
    name: '',
    protocol: 'mqtts',
    host: '',
    port: '8883',
    path: '/mqtt',
    protocolVersion: 4,
    clientId: '',
    keepaliveS: '30',
    username: '',
    password: '',
    verifyServer: true,
    ca: '',
    cert: '',
    key: '',
    passphrase: '',
    servername: '',
    subscribe: '#',
  };
}

/** A preset changes the broker's defaults and leaves everything the person typed alone. */
export function applyPreset(form: WizardForm, preset: PresetId): WizardForm {
  return { ...form, ...PRESETS[preset].form, preset };
}

/** A saved or configured profile back into the form (secrets are never part of it). */
export function formFromProfile(profile: ConnectionProfileInput): WizardForm {
  const form = emptyForm();
  let url: URL | null = null;
  try {
    url = new URL(profile.url);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
  const protocol = (url?.protocol.replace(/:$/, '') ?? 'mqtts') as Protocol;
  const isKnown = (PROTOCOLS as readonly string[]).includes(protocol);
  return {
    ...form,
    preset: 'custom',
    name: profile.name,
    protocol: isKnown ? protocol : 'mqtts',
    host: url?.hostname.replace(/^\[|\]$/g, '') ?? '',
    port: url?.port || String(DEFAULT_PORTS[isKnown ? protocol : 'mqtts']),
    path: url && isWsProtocol(protocol) && url.pathname !== '/' ? url.pathname : '/mqtt',
    protocolVersion: profile.protocolVersion ?? 4,
    clientId: profile.clientId ?? '',
    keepaliveS: String(profile.keepaliveS ?? 30),
    username: profile.username ?? '',
    verifyServer: profile.tls?.rejectUnauthorized ?? true,
    ca: profile.tls?.ca ?? '',
    cert: profile.tls?.cert ?? '',
    servername: profile.tls?.servername ?? '',
    subscribe: (profile.subscribe ?? ['#']).join('\n'),
  };
}

/** Why a topic filter is malformed (MQTT §4.7), as a sentence, or null. Same rule as the core's test. */
export function topicFilterProblem(filter: string): string | null {
  if (filter.length === 0) return t('wizard.error.filterEmpty');
  const levels = filter.split('/');
  for (const [i, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1))
      return t('wizard.error.filterHash', { filter });
    if (level.includes('+') && level !== '+') return t('wizard.error.filterPlus', { filter });
  }
  return null;
}

export const filtersOf = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

const firstIssue = (schema: ZodType, value: unknown): string | null => {
  const parsed = schema.safeParse(value);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? t('wizard.error.notValid'));
};

const shape = ConnectionProfileSchema.shape;
const tlsShape = TlsOptionsSchema.shape;

/** The message to show under one field, or null when it is fine. */
export function fieldError(form: WizardForm, field: FieldName): string | null {
  const isTls = isTlsProtocol(form.protocol);
  switch (field) {
    case 'name':
      if (form.name.trim() === '') return t('wizard.error.name');
      return firstIssue(shape.name, form.name.trim());
    case 'host': {
      const host = form.host.trim();
      if (host === '') return t('wizard.error.hostEmpty');
      if (/^[a-z]+:\/\//i.test(host)) return t('wizard.error.hostScheme');
      if (/[\s/@?#]/.test(host)) return t('wizard.error.hostChars');
      if (host.includes(':') && !/^\[?[0-9a-fA-F:.]+\]?$/.test(host)) return t('wizard.error.hostPort');
      return null;
    }
    case 'port': {
      const port = Number(form.port);
      if (form.port.trim() === '' || !Number.isInteger(port) || port < 1 || port > 65535)
        return t('wizard.error.port');
      return null;
    }
    case 'path':
      if (!isWsProtocol(form.protocol)) return null;
      return form.path.startsWith('/') && !/\s/.test(form.path) ? null : t('wizard.error.path');
    case 'protocol':
    case 'protocolVersion':
      return null;
    case 'clientId':
      if (form.clientId === '') return null;
      if (/\s/.test(form.clientId)) return t('wizard.error.clientIdSpaces');
      return firstIssue(shape.clientId, form.clientId);
    case 'keepaliveS': {
      const n = Number(form.keepaliveS);
      if (form.keepaliveS.trim() === '' || !Number.isFinite(n)) return t('wizard.error.keepaliveNumber');
      return firstIssue(shape.keepaliveS, n) && t('wizard.error.keepaliveRange');
    }
    case 'username':
      if (form.password !== '' && form.username === '' && form.protocolVersion === 4)
        return t('wizard.error.username');
      return firstIssue(shape.username, form.username);
    case 'password':
      return firstIssue(shape.password, form.password);
    case 'verifyServer':
      return null;
    case 'ca':
      if (!isTls || form.ca.trim() === '') return null;
      if (!form.ca.includes('-----BEGIN CERTIFICATE-----')) return t('wizard.error.caPem');
      return firstIssue(tlsShape.ca, form.ca);
    case 'cert':
      if (!isTls) return null;
      if (form.cert.trim() === '') return form.key.trim() !== '' ? t('wizard.error.certMissing') : null;
      if (!form.cert.includes('-----BEGIN CERTIFICATE-----')) return t('wizard.error.certPem');
      return firstIssue(tlsShape.cert, form.cert);
    case 'key':
      if (!isTls) return null;
      if (form.key.trim() === '') return form.cert.trim() !== '' ? t('wizard.error.keyMissing') : null;
      if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(form.key)) return t('wizard.error.keyPem');
      return firstIssue(tlsShape.key, form.key);
    case 'passphrase':
      return isTls ? firstIssue(tlsShape.passphrase, form.passphrase) : null;
    case 'servername':
      if (!isTls || form.servername === '') return null;
      if (/[\s/:]/.test(form.servername)) return t('wizard.error.servername');
      return firstIssue(tlsShape.servername, form.servername);
    case 'subscribe': {
      const filters = filtersOf(form.subscribe);
      if (filters.length === 0) return t('wizard.error.noFilters');
      for (const filter of filters) {
        const problem = topicFilterProblem(filter);
        if (problem) return problem;
      }
      return firstIssue(shape.subscribe, filters);
    }
  }
}

export const STEP_FIELDS: Record<WizardStep, FieldName[]> = {
  broker: ['name', 'host', 'port', 'path', 'protocolVersion', 'clientId', 'keepaliveS'],
  security: ['username', 'password', 'verifyServer', 'ca', 'cert', 'key', 'passphrase', 'servername'],
  topics: ['subscribe'],
  test: [],
  save: [],
};

export type FieldErrors = Partial<Record<FieldName, string>>;

export function stepErrors(form: WizardForm, step: WizardStep): FieldErrors {
  const out: FieldErrors = {};
  for (const field of STEP_FIELDS[step]) {
    const error = fieldError(form, field);
    if (error) out[field] = error;
  }
  return out;
}

export function allErrors(form: WizardForm): FieldErrors {
  return Object.assign({}, ...WIZARD_STEPS.map((step) => stepErrors(form, step))) as FieldErrors;
}

export function brokerUrl(form: WizardForm): string {
  const host = form.host.trim().replace(/^\[|\]$/g, '');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const path = isWsProtocol(form.protocol) ? form.path.trim() : '';
  return `${form.protocol}://${hostPart}:${form.port.trim()}${path}`;
}

/** The profile to test or save, or the errors that stop it, by field. */
export function toProfile(
  form: WizardForm,
): { ok: true; profile: ConnectionProfile } | { ok: false; errors: FieldErrors } {
  const errors = allErrors(form);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const isTls = isTlsProtocol(form.protocol);
  const candidate: ConnectionProfileInput = {
    name: form.name.trim(),
    url: brokerUrl(form),
    protocolVersion: form.protocolVersion,
    keepaliveS: Number(form.keepaliveS),
    subscribe: filtersOf(form.subscribe),
    ...(form.clientId !== '' && { clientId: form.clientId }),
    ...(form.username !== '' && { username: form.username }),
    ...(form.password !== '' && { password: form.password }),
    ...(isTls && {
      tls: {
        rejectUnauthorized: form.verifyServer,
        ...(form.ca.trim() !== '' && { ca: form.ca }),
        ...(form.cert.trim() !== '' && { cert: form.cert }),
        ...(form.key.trim() !== '' && { key: form.key }),
        ...(form.key.trim() !== '' && form.passphrase !== '' && { passphrase: form.passphrase }),
        ...(form.servername !== '' && { servername: form.servername }),
      },
    }),
  };
  const parsed = ConnectionProfileSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const head = issue?.path[0];
    const tlsField = issue?.path[1] === 'rejectUnauthorized' ? 'verifyServer' : issue?.path[1];
    const field: FieldName =
      head === 'url'
        ? 'host'
        : head === 'tls'
          ? ((tlsField as FieldName | undefined) ?? 'ca')
          : ((head as FieldName | undefined) ?? 'name');
    return { ok: false, errors: { [field]: issue?.message ?? t('wizard.error.notValid') } };
  }
  return { ok: true, profile: parsed.data };
}

/** Where to send the person to fix a failed test step. */
export function stepToFix(step: string, code: string | undefined): WizardStep {
  if (step === 'subscribe' || step === 'first-message') return 'topics';
  if (step === 'tls' || code === 'auth-rejected' || code === 'tls-untrusted') return 'security';
  return 'broker';
}
