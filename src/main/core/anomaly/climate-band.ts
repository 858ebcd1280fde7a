/**
 * `climate-band`: a room's temperature or humidity outside its band, per sensor in the room (BLU
 * H&T paired through a gateway, a thermostat's or H&T's own sensor). A sensor with no reading of a
 * quantity is not judged on it.
 */
import type { Sensor } from '../../../shared/contract';
import { iso, subjectOf, type Finding } from './finding';
import type { JudgeContext } from './judge-context';
import { nodeName } from './words';

const CHART_MS = 3_600_000;

interface Bound {
  quantity: 'temperature' | 'humidity';
  value: number | null;
  min: number | undefined;
  max: number | undefined;
  unit: string;
}

const sensorName = (s: Sensor): string => s.name ?? s.address;

export function judgeClimate(ctx: JudgeContext, sensors: readonly Sensor[]): Finding[] {
  const out: Finding[] = [];
  const byRoom = new Map<string, Sensor[]>();
  for (const s of sensors) if (s.room) byRoom.set(s.room, [...(byRoom.get(s.room) ?? []), s]);
  for (const place of ctx.nodes.places) {
    if (place.level !== 'room') continue;
    const rule = ctx.rules.inForce(place.chain, 'climate-band');
    const inRoom = byRoom.get(place.id);
    if (!rule || !inRoom) continue;
    for (const sensor of inRoom) {
      const bounds: Bound[] = [
        { quantity: 'temperature', value: sensor.temperatureC, min: rule.minC, max: rule.maxC, unit: '°C' },
        { quantity: 'humidity', value: sensor.humidityPct, min: rule.minPct, max: rule.maxPct, unit: '%' },
      ];
      for (const b of bounds) {
        if (b.value === null) continue;
        const isLow = b.min !== undefined && b.value < b.min;
        const isHigh = b.max !== undefined && b.value > b.max;
        if (!isLow && !isHigh) continue;
        const threshold = (isLow ? b.min : b.max) as number;
        out.push({
          kind: 'climate-band',
          subject: subjectOf('climate-band', place.id, `${sensor.address}:${b.quantity}`),
          node: place.id,
          quiet: rule.quiet,
          message:
            `${nodeName(ctx.registry, place.id)}: ${sensorName(sensor)} reads ${b.value} ${b.unit} ${b.quantity}, ` +
            `${isLow ? 'below the band’s minimum' : 'above the band’s maximum'} of ${threshold} ${b.unit}.`,
          detail: {
            rule: 'climate-band',
            figure: b.value,
            threshold,
            unit: b.unit,
            from: iso(ctx.nowMs - CHART_MS),
            to: iso(ctx.nowMs),
            quantity: b.quantity,
            bound: isLow ? 'min' : 'max',
            sensor: sensor.address,
          },
        });
      }
    }
  }
  return out;
}
