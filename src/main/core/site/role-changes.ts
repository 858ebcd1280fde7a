/**
 * Setting a meter's role, from the console (`meter.role`) or kilowatch.toml (`[[meter]]`): stored,
 * recorded in the ledger of every channel it affects, and applied from that moment — history
 * counted before stays as it was counted.
 */
import type { MeterRoleInfo, SiteNode } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import type { BatchWriter } from '../store/batch-writer';
import type { Store } from '../store/store';
import {
  meterKey,
  roleText,
  type MainScope,
  type MeterRole,
  type MeterRoles,
  type StoredRole,
} from './meter-roles';
import type { Device, SiteRegistry } from './registry';

/** One `[[meter]]` of kilowatch.toml. */
export interface ConfiguredRole {
  /** The device's Shelly id (or topic prefix). */
  device: string;
  /** A component (`em1:0`, `switch:1`); absent: the whole device. */
  channel?: string;
  role: MeterRole['role'];
  scope?: MainScope;
}

export function storedRoles(
  rows: ReadonlyArray<{ meter: string; role: string; scope: string | null; source: string; setMs: number }>,
): StoredRole[] {
  return rows.map((r) => ({
    meter: r.meter,
    role:
      r.role === 'main' ? { role: 'main', scope: (r.scope ?? 'room') as MainScope } : { role: 'generation' },
    source: r.source === 'config' ? 'config' : 'console',
    setMs: r.setMs,
  }));
}

/** A `[[meter]]` entry's role. */
const configuredRole = (c: ConfiguredRole): MeterRole =>
  c.role === 'main' ? { role: 'main', scope: c.scope ?? 'room' } : { role: c.role };

const sameRole = (a: MeterRole, b: MeterRole): boolean =>
  a.role === b.role && (a.role !== 'main' || b.role !== 'main' || a.scope === b.scope);

export const roleInfo = (role: MeterRole, source: MeterRoleInfo['source']): MeterRoleInfo => ({
  role: role.role,
  ...(role.role === 'main' && { scope: role.scope }),
  source,
});

export class RoleChanges {
  constructor(
    private readonly deps: {
      roles: MeterRoles;
      registry: SiteRegistry;
      store: Store;
      writer: BatchWriter;
      clock: () => number;
    },
  ) {}

  /** What the tree shows for a device (no component) or a channel; undefined for a plain load. */
  info(device: Device, component?: string): MeterRoleInfo | undefined {
    const stored = this.deps.roles.stored(device, component);
    if (!stored) return undefined;
    const isOwn =
      component === undefined ? !stored.meter.includes('|') : stored.meter.endsWith(`|${component}`);
    return roleInfo(stored.role, isOwn ? stored.source : 'inherited');
  }

  /** `meter.role`: a device or channel node id (or a device id). */
  set(ref: string, role: MeterRole): Result<{ meter: string; role: MeterRoleInfo }, ApiError> {
    const target = this.resolve(ref);
    if (!target.ok) return target;
    const { device, component } = target.value;
    const channel = component === undefined ? undefined : device.channels.get(component);
    if (channel?.row.isPhase)
      return err(
        'invalid-params',
        'A phase is part of its meter: set the role on the meter (its device or its total channel).',
      );
    const key = meterKey(device.row.shellyId ?? device.row.key, component);
    const current = this.deps.roles.get(key);
    if (current?.source === 'config')
      return err(
        'invalid-params',
        `This meter is a ${roleText(current.role)} meter in kilowatch.toml ([[meter]] device = "${current.meter}"): change it there.`,
      );
    const saved = this.apply(device, key, component, role, 'console');
    if (!saved.ok) return saved;
    return ok({ meter: ref, role: roleInfo(role, 'console') });
  }

  /**
   * The roles kilowatch.toml declares: applied when they differ from what is stored; a role the
   * file no longer declares goes back to a load. Devices not heard from yet get it when they appear.
   */
  applyConfigured(list: readonly ConfiguredRole[]): Result<void, ApiError> {
    const wanted = new Map<string, MeterRole>();
    for (const c of list) {
      const role = configuredRole(c);
      wanted.set(meterKey(c.device, c.channel), role);
    }
    for (const stored of this.deps.roles.all()) {
      if (stored.source === 'config' && !wanted.has(stored.meter)) wanted.set(stored.meter, { role: 'load' });
    }
    for (const [key, role] of wanted) {
      const current = this.deps.roles.get(key);
      if (current ? sameRole(current.role, role) && current.source === 'config' : role.role === 'load')
        continue;
      const bar = key.lastIndexOf('|');
      const deviceRef = bar >= 0 ? key.slice(0, bar) : key;
      const device = this.deps.registry.find(deviceRef);
      const saved = this.apply(device, key, bar >= 0 ? key.slice(bar + 1) : undefined, role, 'config');
      if (!saved.ok) return saved;
    }
    return ok(undefined);
  }

  /**
   * Roles a new site starts with (the demo's): set as console choices, once — a meter that has a
   * role already, or had one and was changed back, keeps what staff chose.
   */
  seed(list: readonly ConfiguredRole[], isSeeded: boolean): Result<void, ApiError> {
    if (isSeeded) return ok(undefined);
    for (const c of list) {
      const key = meterKey(c.device, c.channel);
      if (this.deps.roles.get(key)) continue;
      const role = configuredRole(c);
      const saved = this.apply(this.deps.registry.find(c.device), key, c.channel, role, 'console');
      if (!saved.ok) return saved;
    }
    return ok(undefined);
  }

  private resolve(ref: string): Result<{ device: Device; component?: string }, ApiError> {
    if (ref.startsWith('channel:')) {
      const body = ref.slice('channel:'.length);
      const bar = body.lastIndexOf('|');
      const device = bar > 0 ? this.deps.registry.find(body.slice(0, bar)) : undefined;
      const component = body.slice(bar + 1);
      if (!device || !device.channels.has(component)) return err('not-found', `No meter "${ref}".`);
      return ok({ device, component });
    }
    const device = this.deps.registry.find(ref);
    if (!device) return err('not-found', `No meter "${ref}".`);
    return ok({ device });
  }

  private apply(
    device: Device | undefined,
    key: string,
    component: string | undefined,
    role: MeterRole,
    source: StoredRole['source'],
  ): Result<void, ApiError> {
    const atMs = this.deps.clock();
    const before = device ? this.deps.roles.roleOf(device, component) : { role: 'load' as const };
    const saved = this.deps.store.saveMeterRole(
      key,
      role.role === 'load'
        ? null
        : { role: role.role, scope: role.role === 'main' ? role.scope : null, source, setMs: atMs },
    );
    if (!saved.ok) return saved;
    this.deps.roles.set(key, role, source, atMs);
    if (!device) return ok(undefined);
    // Every channel whose energy now goes elsewhere says so in its ledger.
    const from = source === 'config' ? 'kilowatch.toml' : 'the console';
    for (const channel of device.channels.values()) {
      if (channel.row.isPhase) continue;
      if (component !== undefined && channel.row.component !== component) continue;
      this.deps.writer.batch.addLedger({
        atMs,
        channelId: channel.row.id,
        direction: 'import',
        kind: 'role',
        reason: `${roleText(before)} → ${roleText(this.deps.roles.roleOf(device, channel.row.component))}, set in ${from}`,
        previousUnits: null,
        valueUnits: null,
        countedUnits: 0,
      });
    }
    this.deps.writer.touched();
    return ok(undefined);
  }
}

/** Marks every device and channel of a tree that has a role other than load (in place). */
export function markRoles(nodes: SiteNode[], registry: SiteRegistry, changes: RoleChanges): void {
  for (const node of nodes) {
    if (node.kind === 'device') {
      const device = registry.find(node.id);
      const info = device && changes.info(device);
      if (info) node.role = info;
    } else if (node.kind === 'channel' && node.id.startsWith('channel:')) {
      const body = node.id.slice('channel:'.length);
      const bar = body.lastIndexOf('|');
      const device = registry.find(body.slice(0, bar));
      const info = device && changes.info(device, body.slice(bar + 1));
      if (info) node.role = info;
    }
    markRoles(node.children, registry, changes);
  }
}
