/**
 * Gen1 battery sensors: the H&T (`shellies/shellyht-<id>/sensor/temperature`, `/humidity`,
 * `/battery`) and the Flood (`shellies/shellyflood-<id>/sensor/flood`, `/temperature`,
 * `/battery`), bare text like every Gen1 topic (Gen1 API docs, "Shelly H&T: MQTT" and "Shelly
 * Flood: MQTT"). They are read as the device's own sensor, like a Gen2 `temperature:0`, so they
 * feed the room's climate; a flood is an alarm. Temperatures are read as °C, the devices' default.
 */
import { climateReading } from './climate';
import type { Fact } from './types';

const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;

/** Topic metric → the climate field it is and the component it is kept under (Gen2 names). */
const CLIMATE_METRICS = {
  temperature: ['temperatureC', 'temperature:0'],
  humidity: ['humidityPct', 'humidity:0'],
  battery: ['batteryPct', 'devicepower:0'],
} as const;

/** `sensor/<metric>` of a Gen1 device; undefined for a metric that is not read here. */
export function gen1SensorFacts(metric: string, text: string): Fact[] | undefined {
  if (metric === 'flood') {
    if (text !== 'true' && text !== 'false')
      return [{ type: 'component-rejected', component: 'flood:0', reason: 'bad-flood-value' }];
    return [{ type: 'water', component: 'flood:0', isWet: text === 'true' }];
  }
  if (!(metric in CLIMATE_METRICS)) return undefined;
  const [field, component] = CLIMATE_METRICS[metric as keyof typeof CLIMATE_METRICS];
  if (!SIGNED_DECIMAL.test(text)) return [{ type: 'component-rejected', component, reason: 'not-a-number' }];
  // Out of bounds (a broken probe) is no reading: null, as for a Gen2 sensor with `errors`.
  const value = climateReading(field, Number(text), false) ?? null;
  return [{ type: 'climate', component, [field]: value }];
}
