/**
 * DNS rebinding defence. A page on evil.example whose name is re-pointed at this machine reaches
 * the bridge as "same origin" — its Origin and Host agree — but both still say evil.example. So
 * the bridge answers only to the names it is really reached by: its own listen address, the
 * loopback names, and the names the operator lists in `[server] hosts`.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface HostAllowlistOptions {
  /** The listen address as configured (`--host` / `[server] host`). */
  boundHost: string;
  /** `[server] hosts`: extra names, with or without a port (a reverse proxy often drops it). */
  extraHosts: readonly string[];
  /** The port actually bound: with `--port 0` it is known only after listen. */
  port: () => number;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** `[v6]` for an IPv6 literal (as it appears in a Host header), lower case otherwise. */
function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  return isIP(lower) === 6 ? `[${lower}]` : lower;
}

/** Splits a Host header into its name and port; null when it is not a well-formed one. */
export function splitHost(header: string): { name: string; port: string | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(header);
  if (!m) return null;
  return { name: (m[1] as string).toLowerCase(), port: m[2] ?? null };
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** The machine's own addresses: what a browser on the LAN types when the bridge listens on all. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .map((info) => normalizeName((info?.address ?? '').replace(/%.*$/, '')))
    .filter(Boolean);
}

export function createHostAllowlist(options: HostAllowlistOptions): (host: string | undefined) => boolean {
  const bound = normalizeName(options.boundHost);
  const listensOnAll = WILDCARDS.has(bound);
  // "0.0.0.0" is where the bridge listens, never a name a browser should reach it by.
  const ownNames = new Set(listensOnAll ? LOOPBACK_NAMES : [...LOOPBACK_NAMES, bound]);
  const extra = options.extraHosts.map((entry) => splitHost(entry.trim())).filter((e) => e !== null);

  return (header) => {
    const host = header === undefined ? null : splitHost(header);
    if (!host) return false;
    const port = String(options.port());
    // A browser leaves the port out of Host only for the scheme's default port.
    const samePort = host.port === port || (host.port === null && port === '80');
    for (const entry of extra) {
      if (entry.name !== host.name) continue;
      if (entry.port !== null ? entry.port === host.port : host.port === null || samePort) return true;
    }
    if (!samePort) return false;
    if (ownNames.has(host.name)) return true;
    // An IP literal cannot be rebound (rebinding needs a name the attacker controls), so on a
    // wildcard listen any of the machine's own addresses is the machine itself.
    return listensOnAll && interfaceAddresses().includes(host.name);
  };
}
