/**
 * Metering roles (ARCHITECTURE.md §3): a meter is a `load` unless staff or kilowatch.toml say it
 * is the `main` (incoming supply) of its room, office or company, or a `generation` meter. A
 * channel's own role wins over its device's. Roles set in kilowatch.toml are the administrator's
 * declaration: the console shows them and does not change them.
 */
import type { Device } from './registry';

export type MainScope = 'room' | 'office' | 'company';

export type MeterRole = { role: 'load' } | { role: 'main'; scope: MainScope } | { role: 'generation' };

export interface StoredRole {
  /** A device id or key, or `<device id or key>|<component>` for one channel (as in channel node ids). */
  meter: string;
  role: Exclude<MeterRole, { role: 'load' }>;
  source: 'console' | 'config';
  setMs: number;
}

export const meterKey = (device: string, component?: string): string =>
  component === undefined ? device : `${device}|${component}`;

export const LOAD: MeterRole = { role: 'load' };

export const roleText = (role: MeterRole): string =>
  role.role === 'main' ? `main (${role.scope})` : role.role;

export class MeterRoles {
  private readonly byMeter = new Map<string, StoredRole>();
  /**
   * Bumped whenever which places have a main meter may have changed (a role set, or a device with
   * a role placed), so the energy engine knows to work out where energy goes again.
   */
  version = 0;

  constructor(initial: readonly StoredRole[] = []) {
    for (const r of initial) this.byMeter.set(r.meter, r);
  }

  /** The stored role a device's or channel's meter key resolves to, if any. */
  stored(device: Device, component?: string): StoredRole | undefined {
    const ids = [device.row.key, ...(device.row.shellyId ? [device.row.shellyId] : [])];
    if (component !== undefined) {
      for (const id of ids) {
        const own = this.byMeter.get(meterKey(id, component));
        if (own) return own;
      }
    }
    for (const id of ids) {
      const whole = this.byMeter.get(id);
      if (whole) return whole;
    }
    return undefined;
  }

  roleOf(device: Device, component?: string): MeterRole {
    return this.stored(device, component)?.role ?? LOAD;
  }

  /** Whether any of a device's meters has a role other than load. */
  hasRole(device: Device): boolean {
    return this.storedFor(device).length > 0;
  }

  /** Every role stored for a device, its own and its channels'. */
  storedFor(device: Device): StoredRole[] {
    if (this.byMeter.size === 0) return [];
    const ids = [device.row.key, ...(device.row.shellyId ? [device.row.shellyId] : [])];
    return [...this.byMeter.values()].filter((r) => {
      const bar = r.meter.lastIndexOf('|');
      return ids.includes(bar >= 0 ? r.meter.slice(0, bar) : r.meter);
    });
  }

  get(meter: string): StoredRole | undefined {
    return this.byMeter.get(meter);
  }

  /** Sets (or, with `load`, removes) a role. */
  set(meter: string, role: MeterRole, source: StoredRole['source'], atMs: number): void {
    if (role.role === 'load') this.byMeter.delete(meter);
    else this.byMeter.set(meter, { meter, role, source, setMs: atMs });
    this.version++;
  }

  /** A device carrying a role moved (or appeared): the main meters' places may have changed. */
  notePlaced(device: Device): void {
    if (this.hasRole(device)) this.version++;
  }

  all(): StoredRole[] {
    return [...this.byMeter.values()];
  }
}
