/**
 * The wizard's form rules, without a browser: presets, inline checks in plain words, and the
 * profile a form becomes (validated by the contract's own schemas).
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile, ConnectionProfileInput } from '../../src/shared/contract';

type WizardForm = Record<string, unknown>;
/** The renderer's form module, seen from Node (it belongs to the web TypeScript project). */
interface FormModule {
  emptyForm(): WizardForm;
  applyPreset(form: WizardForm, preset: string): WizardForm;
  fieldError(form: WizardForm, field: string): string | null;
  stepErrors(form: WizardForm, step: string): Record<string, string>;
  toProfile(
    form: WizardForm,
  ): { ok: true; profile: ConnectionProfile } | { ok: false; errors: Record<string, string> };
  formFromProfile(profile: ConnectionProfileInput): WizardForm;
  stepToFix(step: string, code?: string): string;
}

// Loaded by path: the file is type-checked by tsconfig.web.json, not by this (Node) project.
const FORM = resolve(__dirname, '../../src/renderer/src/components/wizard/form.ts');
let applyPreset: FormModule['applyPreset'];
let emptyForm: FormModule['emptyForm'];
let fieldError: FormModule['fieldError'];
let formFromProfile: FormModule['formFromProfile'];
let stepErrors: FormModule['stepErrors'];
let stepToFix: FormModule['stepToFix'];
let toProfile: FormModule['toProfile'];
beforeAll(async () => {
  ({ applyPreset, emptyForm, fieldError, formFromProfile, stepErrors, stepToFix, toProfile } = (await import(
    /* @vite-ignore */ FORM
  )) as FormModule);
});

const filled = (patch: Partial<WizardForm> = {}): WizardForm => ({
  ...emptyForm(),
  name: 'Hotel Porto',
  host: 'broker.hotel.example',
  ...patch,
});

describe('presets', () => {
  it('Mosquitto, EMQX and Coreflux all start on mqtts:// port 8883; Coreflux subscribes Coreflux/#', () => {
    for (const preset of ['mosquitto', 'emqx', 'coreflux'] as const) {
      const form = applyPreset(filled({ protocol: 'mqtt', port: '1883' }), preset);
      expect(form).toMatchObject({ protocol: 'mqtts', port: '8883', preset });
    }
    expect(applyPreset(filled(), 'coreflux').subscribe).toBe('Coreflux/#');
    expect(applyPreset(filled(), 'emqx').protocolVersion).toBe(5);
  });

  it('keeps what was typed', () => {
    const form = applyPreset(filled({ username: 'desk', host: 'mqtt.site' }), 'coreflux');
    expect(form).toMatchObject({ username: 'desk', host: 'mqtt.site', name: 'Hotel Porto' });
  });
});

describe('inline checks', () => {
  it('explain each mistake in plain words', () => {
    expect(fieldError(filled({ name: '' }), 'name')).toMatch(/Give this connection a name/);
    expect(fieldError(filled({ host: 'mqtts://broker' }), 'host')).toMatch(/without mqtt:\/\//);
    expect(fieldError(filled({ host: 'broker:8883' }), 'host')).toMatch(/Port field/);
    expect(fieldError(filled({ host: 'fd00::1' }), 'host')).toBeNull();
    expect(fieldError(filled({ port: '70000' }), 'port')).toMatch(/1 to 65535/);
    expect(fieldError(filled({ keepaliveS: '2' }), 'keepaliveS')).toMatch(/5 to 3600/);
    expect(fieldError(filled({ password: 'x', username: '' }), 'username')).toMatch(
      /3\.1\.1 needs a user name/,
    );
    expect(fieldError(filled({ password: 'x', username: '', protocolVersion: 5 }), 'username')).toBeNull();
    expect(fieldError(filled({ ca: 'hello' }), 'ca')).toMatch(/BEGIN CERTIFICATE/);
    expect(fieldError(filled({ key: '-----BEGIN PRIVATE KEY-----' }), 'cert')).toMatch(
      /needs its client certificate/,
    );
    expect(fieldError(filled({ subscribe: 'site/#/x' }), 'subscribe')).toMatch(/# must be a whole level/);
    expect(fieldError(filled({ subscribe: ' \n ' }), 'subscribe')).toMatch(/at least one/);
    expect(fieldError(filled({ protocol: 'ws', path: 'mqtt' }), 'path')).toMatch(/starts with \//);
  });

  it('only for the step shown', () => {
    expect(stepErrors(filled({ host: '', subscribe: '' }), 'broker')).toEqual({
      host: expect.any(String),
    });
    expect(Object.keys(stepErrors(filled({ host: '', subscribe: '' }), 'topics'))).toEqual(['subscribe']);
  });
});

describe('the profile a form becomes', () => {
  it('mqtts with a CA, verification on, SNI; no empty fields', () => {
    const built = toProfile(
      filled({
        username: 'desk',
        password: 'pw',
        ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
        subscribe: 'Coreflux/#\n shellies/# \n',
      }),
    );
    expect(built).toEqual({
      ok: true,
      profile: {
        name: 'Hotel Porto',
        url: 'mqtts://broker.hotel.example:8883',
        protocolVersion: 4,
        keepaliveS: 30,
        username: 'desk',
        password: 'pw',
        subscribe: ['Coreflux/#', 'shellies/#'],
        tls: { rejectUnauthorized: true, ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' },
      },
    });
  });

  it('verification off is carried; plain mqtt has no TLS section; ws keeps its path; IPv6 is bracketed', () => {
    const off = toProfile(filled({ verifyServer: false }));
    expect(off.ok && off.profile.tls).toEqual({ rejectUnauthorized: false });
    const plain = toProfile(filled({ protocol: 'mqtt', port: '1883', ca: 'ignored' }));
    expect(plain.ok && plain.profile.tls).toBeUndefined();
    const ws = toProfile(filled({ protocol: 'wss', port: '443', path: '/mqtt' }));
    expect(ws.ok && ws.profile.url).toBe('wss://broker.hotel.example:443/mqtt');
    const v6 = toProfile(filled({ host: 'fd00::1', protocol: 'mqtt', port: '1883' }));
    expect(v6.ok && v6.profile.url).toBe('mqtt://[fd00::1]:1883');
  });

  it('refuses with the errors by field', () => {
    expect(toProfile(filled({ host: '', port: 'x' }))).toEqual({
      ok: false,
      errors: { host: expect.any(String), port: expect.any(String) },
    });
  });

  it('comes back from a saved profile, without secrets', () => {
    const form = formFromProfile({
      name: 'Lisboa',
      url: 'wss://mqtt.lisboa.example:8443/ws',
      protocolVersion: 5,
      username: 'desk',
      subscribe: ['Coreflux/#'],
      tls: { rejectUnauthorized: false },
    });
    expect(form).toMatchObject({
      name: 'Lisboa',
      protocol: 'wss',
      host: 'mqtt.lisboa.example',
      port: '8443',
      path: '/ws',
      protocolVersion: 5,
      username: 'desk',
      password: '',
      verifyServer: false,
      subscribe: 'Coreflux/#',
    });
  });
});

it('sends a failed test step to the wizard step that fixes it', () => {
  expect(stepToFix('resolve', 'broker-unreachable')).toBe('broker');
  expect(stepToFix('tcp', 'timeout')).toBe('broker');
  expect(stepToFix('tls', 'tls-untrusted')).toBe('security');
  expect(stepToFix('connack', 'auth-rejected')).toBe('security');
  expect(stepToFix('subscribe', 'not-authorized')).toBe('topics');
});
