/**
 * The desktop file dialog for certificates and keys, with a stand-in for Electron's dialog (no
 * Electron binary here): a cancel changes nothing, a certificate or key comes back as text with a
 * summary, and a file that is not the right PEM is refused in words.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pickPem, type OpenDialog } from '../../src/main/electron/pem-dialog';
import { makePki, type TestPki } from '../support/mosquitto-tls';

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});

const choosing = (filePaths: string[], canceled = false): OpenDialog & { titles: string[] } => {
  const titles: string[] = [];
  return {
    titles,
    showOpenDialog: async (options) => {
      titles.push(options.title ?? '');
      return { canceled, filePaths };
    },
  };
};

describe('pickPem (desktop)', () => {
  it('returns nothing when the dialog is cancelled', async () => {
    expect(await pickPem(choosing([], true), 'ca')).toEqual({ ok: true, value: null });
  });

  it('reads a CA certificate and says whose it is', async () => {
    const dialog = choosing([pki.ca.path]);
    const r = await pickPem(dialog, 'ca');
    expect(dialog.titles).toEqual(['Choose the CA certificate (PEM)']);
    expect(r).toMatchObject({
      ok: true,
      value: { pem: pki.ca.pem, file: 'ca.pem', summary: expect.stringContaining('Kilowatch Test CA') },
    });
  });

  it('reads a private key', async () => {
    const r = await pickPem(choosing([pki.client.keyPath]), 'key');
    expect(r).toMatchObject({
      ok: true,
      value: { pem: pki.client.key, summary: expect.stringMatching(/private key/) },
    });
  });

  it('refuses a key where a certificate belongs, and a file that is not PEM', async () => {
    expect(await pickPem(choosing([pki.client.keyPath]), 'cert')).toMatchObject({
      ok: false,
      error: { code: 'invalid-params' },
    });
    const text = join(pki.dir, 'notes.txt');
    writeFileSync(text, 'the broker password is on the fridge');
    expect(await pickPem(choosing([text]), 'ca')).toMatchObject({
      ok: false,
      error: { code: 'invalid-params' },
    });
  });
});
