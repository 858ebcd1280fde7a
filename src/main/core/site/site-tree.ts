/** The registry as the contract's nested tree: company → office → room → device → channel. */
import type { NodeTotals, Sensor, SiteNode, SiteTree } from '../../../shared/contract';
import { nodeId, type Place } from './placement';
import { COVER_COMPONENT, coverStatus } from './covers';
import { electricalOf } from './electrical';
import { productName } from '../shelly/product-names';
import type { Device, SiteRegistry } from './registry';
import { shownComponents } from './shown-components';

const SWITCHABLE = /^(switch|relay):\d+$/;

const PLACE_KINDS = ['company', 'office', 'room'] as const;

/** `room:Aurora/Lisbon/Room101` → its names; null for a node that is no company, office or room. */
function placeOfNodeId(id: string): [string, string?, string?] | null {
  const colon = id.indexOf(':');
  const depth = PLACE_KINDS.indexOf(id.slice(0, colon) as (typeof PLACE_KINDS)[number]) + 1;
  if (colon < 0 || depth === 0) return null;
  // Place names never hold a slash (PLACE_NAME_PATTERN), so the segments are the names.
  const names = id.slice(colon + 1).split('/');
  return names.length === depth ? (names as [string, string?, string?]) : null;
}

function byName(a: SiteNode, b: SiteNode): number {
  return a.name.localeCompare(b.name);
}

// Built field by field, not with conditional spreads: a 10,000-device site builds ~20,000 of
// these per `site.tree`, and every spread allocates an object only to copy it.
function channelNode(registry: SiteRegistry, device: Device, component: string, path: string[]): SiteNode {
  const node: SiteNode = {
    id: nodeId.channel(device.row.key, component),
    kind: 'channel',
    name: registry.channelName(device, component),
    path: [...path, component],
    children: [],
  };
  if (SWITCHABLE.test(component)) {
    node.switchable = true;
    node.output = device.outputs.get(component) ?? null;
  } else if (device.outputs.has(component)) {
    // A state the console does not switch (a Pro 1CB's breaker `cb:0`) is still shown.
    node.output = device.outputs.get(component) ?? null;
  }
  if (COVER_COMPONENT.test(component)) node.cover = coverStatus(device.covers.get(component));
  const electrical = electricalOf(device, component);
  if (electrical) node.electrical = electrical;
  return node;
}

function deviceNode(registry: SiteRegistry, device: Device, path: string[]): SiteNode {
  const children = shownComponents(device).map((component) => channelNode(registry, device, component, path));
  const node: SiteNode = {
    id: nodeId.device(device.row.key),
    kind: 'device',
    name: registry.displayName(device),
    path,
    // Reporting: not said to be offline, and something it said was accepted (ingest).
    online: device.memory.isOnline === true || (device.memory.isOnline === null && device.row.lastSeenMs > 0),
    children,
  };
  if (device.row.lastSeenMs > 0) node.lastSeen = new Date(device.row.lastSeenMs).toISOString();
  if (device.row.model) node.model = device.row.model;
  const product = productName(device.row.model);
  if (product) node.product = product;
  if ('reason' in device.placement) node.reason = device.placement.reason;
  return node;
}

/** A site tree, and how many devices a `maxDevices` limit left out of it. */
export interface SiteTreeCut {
  tree: SiteTree;
  devicesLeftOut: number;
}

/**
 * The tree, every place in it, and the first `maxDevices` devices in the tree's own order (by
 * place, then by name). A console asks for the first screenful this way before the whole tree: at
 * 10,000 devices the whole tree is ~4 MB that takes the core, and then the page, about a second
 * to build, check and read, and a cut one is drawn while the rest is still on its way. Places
 * are always all there, so a collapsed office still shows; a room past the cut is empty.
 */
export function siteTree(
  registry: SiteRegistry,
  totals: ReadonlyMap<string, NodeTotals>,
  sensors: Sensor[],
  maxDevices = Number.POSITIVE_INFINITY,
): SiteTreeCut {
  const companies = new Map<string, SiteNode>();
  const unassigned: SiteNode = {
    id: nodeId.unassigned,
    kind: 'unassigned',
    name: 'Unassigned',
    path: [],
    children: [],
  };
  // Offices and rooms by id: looking each device's room up among its office's children made the
  // tree O(devices × rooms per office).
  const places = new Map<string, SiteNode>();
  const child = (
    parent: SiteNode,
    id: string,
    kind: SiteNode['kind'],
    name: string,
    path: string[],
    isFormer = false,
  ): SiteNode => {
    let node = places.get(id);
    if (!node) {
      node = { id, kind, name: registry.names.get(id) ?? name, path, children: [] };
      if (isFormer) node.former = true;
      places.set(id, node);
      parent.children.push(node);
    }
    return node;
  };
  const companyNode = (name: string, isFormer = false): SiteNode => {
    const id = nodeId.company({ company: name });
    let company = companies.get(id);
    if (!company) {
      company = { id, kind: 'company', name: registry.names.get(id) ?? name, path: [name], children: [] };
      if (isFormer) company.former = true;
      companies.set(id, company);
    }
    return company;
  };
  // Devices are made into nodes only once the places are in order, and only as many as asked for.
  const devicesIn = new Map<SiteNode, Device[]>();
  const unassignedDevices: Device[] = [];
  for (const device of registry.devices.values()) {
    if (!('place' in device.placement)) {
      unassignedDevices.push(device);
      continue;
    }
    const p = device.placement.place;
    const office = child(companyNode(p.company), nodeId.office(p), 'office', p.office, [p.company, p.office]);
    const room = child(office, nodeId.room(p), 'room', p.room, [p.company, p.office, p.room]);
    const list = devicesIn.get(room);
    if (list) list.push(device);
    else devicesIn.set(room, [device]);
  }
  // Places energy was counted in but no device is in now (all moved away, or sent back to
  // Unassigned): shown empty and marked, so staff can still find their history and total.
  for (const id of totals.keys()) {
    const place = placeOfNodeId(id);
    if (!place) continue;
    const [company, office, room] = place;
    const companyNodeOf = companyNode(company, true);
    if (office === undefined) continue;
    const officeNode = child(
      companyNodeOf,
      nodeId.office({ company, office }),
      'office',
      office,
      [company, office],
      true,
    );
    if (room === undefined) continue;
    child(officeNode, nodeId.room({ company, office, room }), 'room', room, [company, office, room], true);
  }
  let budget = maxDevices;
  let devicesLeftOut = 0;
  /** The devices' nodes by name, as many as the budget allows, into `parent`. */
  const addDevices = (parent: SiteNode, devices: Device[], pathOf: (device: Device) => string[]): void => {
    const named = devices.map((device) => ({ device, name: registry.displayName(device) }));
    named.sort((a, b) => a.name.localeCompare(b.name));
    for (const { device } of named) {
      if (budget <= 0) devicesLeftOut++;
      else {
        parent.children.push(deviceNode(registry, device, pathOf(device)));
        budget--;
      }
    }
  };
  const placedPath = (device: Device): string[] => {
    const p = (device.placement as { place: Place }).place;
    return [p.company, p.office, p.room, p.device];
  };
  const sortDeep = (nodes: SiteNode[]): SiteNode[] => {
    nodes.sort(byName);
    for (const n of nodes) {
      const devices = devicesIn.get(n);
      if (devices) addDevices(n, devices, placedPath);
      else sortDeep(n.children);
    }
    return nodes;
  };
  const nodes = sortDeep([...companies.values()]);
  if (unassignedDevices.length > 0) {
    addDevices(unassigned, unassignedDevices, (device) => [device.row.shellyId ?? device.row.key]);
    nodes.push(unassigned);
  }
  return { tree: { nodes, totals: [...totals.values()], sensors }, devicesLeftOut };
}
