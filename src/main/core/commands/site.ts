/** The site's commands: the tree with its totals, placing devices in rooms, and naming nodes. */
import type { NodeTotals } from '../../../shared/contract';
import { UNASSIGNED } from '../../../shared/contract';
import { err, ok } from '../../../shared/result';
import { topicSegment } from '../aggregate/topic-name';
import { isTrustedDeviceId } from '../shelly/device-id';
import { nodeId, type Place } from '../site/placement';
import { NO_PLACE, type Device, type SiteRegistry } from '../site/registry';
import { resolveNameableNode } from '../site/resolve-node';
import { markRoles, type RoleChanges } from '../site/role-changes';
import { markPolled } from '../polling/polled-tree';
import { markCategories, type DeviceCategories } from '../site/device-categories';
import type { SensorRegistry } from '../site/sensors';
import { siteTree } from '../site/site-tree';
import type { Store } from '../store/store';
import type { LiveSnapshot } from '../live';
import type { CommandPart } from './part';

export interface SiteCommandDeps {
  store: Store;
  registry: SiteRegistry;
  sensors: SensorRegistry;
  roleChanges: RoleChanges;
  clock: () => number;
  /** Every node's totals now. */
  totals(): ReadonlyMap<string, NodeTotals>;
  /** totals.get: the totals as the last `totals.live` push left them, with its `seq`. */
  liveSnapshot(): LiveSnapshot;
  /** A device moved: the next live push carries the totals it changed. */
  totalsMoved(): void;
  /** Keys of the devices polled over HTTP (polling/), marked in the tree. */
  polledKeys(): ReadonlySet<string>;
  categories: DeviceCategories;
}

/** Another device placed in `place`'s room whose name gives the same topic segment, if any. */
export function deviceNamed(
  registry: SiteRegistry,
  place: Place,
  except: Device | undefined,
): Device | undefined {
  const segment = (p: Place) => [p.company, p.office, p.room, p.device].map(topicSegment).join('/');
  const wanted = segment(place);
  for (const d of registry.devices.values())
    if (d !== except && 'place' in d.placement && segment(d.placement.place) === wanted) return d;
  return undefined;
}

export function siteCommands(
  deps: SiteCommandDeps,
): CommandPart<'site.tree' | 'totals.get' | 'site.assign' | 'site.rename'> {
  const { store, registry, clock } = deps;
  return {
    'site.tree': ({ totals: withTotals = true, devices }) => {
      // Asked for even without them: a place energy was counted in is shown, empty, by its totals.
      const totals = deps.totals();
      const { tree, devicesLeftOut } = siteTree(registry, totals, deps.sensors.list(), devices);
      markRoles(tree.nodes, registry, deps.roleChanges);
      markPolled(tree.nodes, deps.polledKeys());
      markCategories(tree.nodes, registry, deps.categories);
      const reply = withTotals ? tree : { ...tree, totals: [] };
      return ok(devicesLeftOut > 0 ? { ...reply, devicesLeftOut } : reply);
    },
    'totals.get': () => ok(deps.liveSnapshot()),
    'site.assign': ({ device: ref, path, name }) => {
      const device = registry.find(ref);
      // A device can be placed before it is first heard from (staff work from an inventory list).
      if (!device && !isTrustedDeviceId(ref)) return err('not-found', `No device "${ref}" has been seen.`);
      const shellyId = device ? (device.row.shellyId ?? device.row.key) : ref;
      if (path === UNASSIGNED) {
        // What it counted in its room stays there; from now on its energy is Unassigned's.
        const saved = store.saveAssignment(shellyId, NO_PLACE, clock());
        if (!saved.ok) return saved;
        registry.assign(shellyId, NO_PLACE);
        deps.totalsMoved();
        return ok({ device: nodeId.device(device?.row.key ?? ref), path: [] });
      }
      const [company, office, room] = path;
      const place = {
        company,
        office,
        room,
        device: name ?? (device ? registry.displayName(device) : ref),
      };
      // A device's totals are published under its room by name: two devices with one name in one
      // room would overwrite each other's retained topic.
      const clash = deviceNamed(registry, place, device);
      if (clash) {
        return err(
          'invalid-params',
          `${room} already has a device named "${place.device}" (${clash.row.shellyId ?? clash.row.key}). ` +
            'Two devices with one name would publish their totals to the same topic: choose another name.',
        );
      }
      const saved = store.saveAssignment(shellyId, place, clock());
      if (!saved.ok) return saved;
      registry.assign(shellyId, place);
      deps.totalsMoved();
      return ok({ device: nodeId.device(device?.row.key ?? ref), path: [company, office, room] });
    },
    'site.rename': ({ node, name }) => {
      const target = resolveNameableNode(registry, node);
      if (!target) return err('not-found', `No node "${node}".`);
      const saved = store.saveName(target.id, name);
      if (!saved.ok) return saved;
      registry.names.set(target.id, name);
      return ok({ node: target.id, name });
    },
  };
}
