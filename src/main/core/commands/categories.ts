/** Device categories: setting a device's, and a place's energy and cost per category. */
import { err, ok } from '../../../shared/result';
import type { DeviceCategories } from '../site/device-categories';
import { nodeId } from '../site/placement';
import type { SiteRegistry } from '../site/registry';
import type { Store } from '../store/store';
import type { CommandPart } from './part';

export function categoryCommands(deps: {
  store: Store;
  registry: SiteRegistry;
  categories: DeviceCategories;
  clock(): number;
  /** Where energy goes changed: bookings are worked out again, the next push carries totals. */
  totalsMoved(): void;
}): CommandPart<'device.category'> {
  return {
    'device.category': ({ device: ref, category }) => {
      const device = deps.registry.find(ref);
      if (!device) return err('not-found', `No device "${ref}" has been seen.`);
      // Stored first: a category the disk refused is not applied, so a restart finds what ran.
      const saved = deps.store.saveDeviceCategory(device.row.key, category, deps.clock());
      if (!saved.ok) return saved;
      deps.categories.set(device.row.key, category);
      deps.totalsMoved();
      return ok({ device: nodeId.device(device.row.key), category: deps.categories.infoOf(device) });
    },
  };
}
