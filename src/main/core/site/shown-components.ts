/**
 * The channels a device shows in the tree: what it meters, and what it switches or moves even
 * without metering (a Pro 3 on fans, a cover, a breaker's `cb:0`). Staff can name each of them.
 */
import type { Device } from './registry';

export function shownComponents(device: Device): string[] {
  return [...new Set([...device.channels.keys(), ...device.outputs.keys(), ...device.covers.keys()])].sort();
}

/**
 * Whether `component` is one of the device's channels staff may name: one the tree shows, or one
 * the device's own configuration names (a sensor's `temperature:0`, a thermostat's `number:201`).
 */
export function isNameableComponent(device: Device, component: string): boolean {
  return (
    device.channels.has(component) ||
    device.outputs.has(component) ||
    device.covers.has(component) ||
    device.componentNames.has(component)
  );
}
