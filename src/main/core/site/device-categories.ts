/**
 * Device categories (issue #18 item 5): lighting, HVAC, plug loads, kitchen, IT or other. Staff
 * set them per device; until then a device whose model is obviously one thing (a plug, a dimmer,
 * an RGBW controller, a bulb) is that, and any other is `other`. Like a room, a category applies
 * from the moment it is set: energy counted before stays where it was counted.
 */
import type { DeviceCategory, DeviceCategoryInfo, SiteNode } from '../../../shared/contract';
import type { Device, SiteRegistry } from './registry';

/**
 * Shelly ids (`shellyplusplugs-…`, Gen1 `shellyplug-s-…`) by what the product is. By id, not by
 * model code: the id is in every message, the model only once a device has been asked.
 */
const BY_ID_PREFIX: ReadonlyArray<[string, DeviceCategory]> = [
  ['shellyplug', 'plug'], // Gen1 Plug, Plug S, Plug US
  ['shellyplusplug', 'plug'], // Plus Plug S/IT/UK/US
  ['shellyplugsg3', 'plug'],
  ['shellyazplug', 'plug'],
  ['shellyoutdoorsg3', 'plug'],
  ['shellydimmer', 'lighting'], // Gen1 Dimmer, Dimmer 2, Dimmer Gen3
  ['shellyplusdimmer', 'lighting'],
  ['shellypluswd', 'lighting'], // Plus Wall Dimmer
  ['shellyplus010v', 'lighting'],
  ['shellyprodm', 'lighting'], // Pro Dimmer 1PM / 2PM
  ['shellyrgbw', 'lighting'],
  ['shellyplusrgbw', 'lighting'],
  ['shellybulb', 'lighting'],
  ['shellycolorbulb', 'lighting'],
  ['shellyvintage', 'lighting'],
  ['shellyduo', 'lighting'],
];

/** What a device's id says it is, if anything. */
export function categoryFromModel(shellyId: string | null): DeviceCategory | undefined {
  if (!shellyId) return undefined;
  const id = shellyId.toLowerCase();
  return BY_ID_PREFIX.find(([prefix]) => id.startsWith(prefix))?.[1];
}

export class DeviceCategories {
  /** Set by staff, by device key. */
  private readonly byDevice = new Map<string, DeviceCategory>();
  /** Bumped on every change, so energy already routed is routed again (energy-routing.ts). */
  version = 0;

  constructor(initial: ReadonlyArray<{ deviceKey: string; category: DeviceCategory }> = []) {
    for (const { deviceKey, category } of initial) this.byDevice.set(deviceKey, category);
  }

  infoOf(device: Device): DeviceCategoryInfo {
    const set = this.byDevice.get(device.row.key);
    if (set) return { category: set, source: 'console' };
    return { category: categoryFromModel(device.row.shellyId) ?? 'other', source: 'model' };
  }

  categoryOf(device: Device): DeviceCategory {
    return this.infoOf(device).category;
  }

  set(deviceKey: string, category: DeviceCategory | null): void {
    if (category === null) this.byDevice.delete(deviceKey);
    else this.byDevice.set(deviceKey, category);
    this.version++;
  }
}

/** Marks each device in site.tree with its category, unless it is simply `other` by default. */
export function markCategories(
  nodes: SiteNode[],
  registry: SiteRegistry,
  categories: DeviceCategories,
): void {
  for (const node of nodes) {
    if (node.kind !== 'device') {
      markCategories(node.children, registry, categories);
      continue;
    }
    const device = registry.find(node.id);
    const info = device && categories.infoOf(device);
    if (info && (info.source === 'console' || info.category !== 'other')) node.category = info;
  }
}

const CATEGORY_NAMES: ReadonlySet<string> = new Set<DeviceCategory>([
  'lighting',
  'hvac',
  'plug',
  'kitchen',
  'it',
  'other',
]);

/** Rows as the store keeps them; a value no Kilowatch wrote is left out rather than trusted. */
export function storedCategories(
  rows: ReadonlyArray<{ deviceKey: string; category: string }>,
): Array<{ deviceKey: string; category: DeviceCategory }> {
  return rows
    .filter((r) => CATEGORY_NAMES.has(r.category))
    .map((r) => ({ deviceKey: r.deviceKey, category: r.category as DeviceCategory }));
}
