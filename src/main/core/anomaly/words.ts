/** Figures and names as an anomaly alert's words print them (the alert's detail keeps the exact figures). */
import { DateTime } from 'luxon';
import type { SiteRegistry } from '../site/registry';
import { levelOf } from './node-chain';

const trim = (n: number, decimals: number): string => String(Number(n.toFixed(decimals)));

export const energyText = (wh: number): string =>
  Math.abs(wh) >= 1000 ? `${trim(wh / 1000, 2)} kWh` : `${trim(wh, 1)} Wh`;

export const powerText = (w: number): string =>
  Math.abs(w) >= 10_000 ? `${trim(w / 1000, 2)} kW` : `${trim(w, 1)} W`;

export const hoursText = (h: number): string => `${trim(h, 1)} h`;

export const percentText = (p: number): string => `${trim(p, 0)} %`;

/** Local hour:minute in the site's zone. */
export const clockText = (ms: number, zone: string): string =>
  DateTime.fromMillis(ms, { zone }).toFormat('HH:mm');

export const dayText = (ms: number, zone: string): string =>
  DateTime.fromMillis(ms, { zone }).setLocale('en').toFormat('cccc d LLLL');

/** The name staff know a node by: a rename, else its own segment (a channel with its device). */
export function nodeName(registry: SiteRegistry, node: string): string {
  const renamed = registry.names.get(node);
  if (renamed) return renamed;
  const level = levelOf(node);
  if (level === 'device') {
    const device = registry.find(node);
    return device ? registry.displayName(device) : node;
  }
  if (level === 'channel') {
    const rest = node.slice('channel:'.length);
    const bar = rest.lastIndexOf('|');
    const device = registry.find(rest.slice(0, bar));
    return device
      ? `${registry.displayName(device)} (${registry.channelName(device, rest.slice(bar + 1))})`
      : node;
  }
  return node.slice(node.lastIndexOf('/') + 1).replace(/^\w+:/, '');
}
