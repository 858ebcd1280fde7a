/**
 * Unit formatting only: the core computes every number, the renderer picks W or kW, Wh or kWh,
 * and the user's locale.
 */
import type { NodeKind } from '../../shared/contract';

const NBSP = '\u00a0';
const base = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const kilo2 = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const kilo3 = new Intl.NumberFormat(undefined, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

// 999.96 would round to "1,000 W" with one decimal, so the switch to kilo happens just below.
const isKilo = (value: number): boolean => Math.abs(value) >= 999.95;

export function formatPower(powerW: number): string {
  return isKilo(powerW) ? `${kilo2.format(powerW / 1000)}${NBSP}kW` : `${base.format(powerW)}${NBSP}W`;
}

export function formatEnergy(energyWh: number): string {
  return isKilo(energyWh)
    ? `${kilo3.format(energyWh / 1000)}${NBSP}kWh`
    : `${base.format(energyWh)}${NBSP}Wh`;
}

export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));
export const formatTime = (iso: string): string => time.format(new Date(iso));

const KIND_LABELS: Record<NodeKind, string> = {
  company: 'Company',
  office: 'Office',
  room: 'Room',
  device: 'Device',
  channel: 'Channel',
  unassigned: 'Unassigned',
};
export const kindLabel = (kind: NodeKind): string => KIND_LABELS[kind];
