/**
 * Finds the Shellys answering on a LAN: every host of a /22 … /32 asked `GET /shelly` at once,
 * a bounded number at a time, each with a short deadline (a LAN answers in milliseconds; a host
 * that is not there costs the deadline).
 */
import type { ApiError, Result } from '../../../shared/result';
import { probeShelly, type ShellyIdentity } from './shelly-probe';

const SCAN_TIMEOUT_MS = 1500;
const AT_ONCE = 128;

/** The hosts of `a.b.c.d/n`: without the network and broadcast addresses below /31. */
export function hostsOf(network: string): string[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(network);
  if (!m) throw new Error(`not a network: ${network}`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) throw new Error(`not a network: ${network}`);
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const first = base - (base % size);
  const hosts: string[] = [];
  const edges = size >= 4;
  for (let i = edges ? 1 : 0; i < (edges ? size - 1 : size); i++) {
    const n = first + i;
    hosts.push([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  return hosts;
}

export async function scanForShellys(addresses: readonly string[]): Promise<ShellyIdentity[]> {
  const found: ShellyIdentity[] = [];
  let next = 0;
  const worker = async () => {
    while (next < addresses.length) {
      const address = addresses[next++] as string;
      const answer: Result<ShellyIdentity, ApiError> = await probeShelly(address, undefined, {
        identityOnly: true,
        timeoutMs: SCAN_TIMEOUT_MS,
      });
      // Silence is what most addresses of a LAN answer: only Shellys are reported.
      if (answer.ok) found.push(answer.value);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, addresses.length) }, worker));
  return found.sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }));
}
