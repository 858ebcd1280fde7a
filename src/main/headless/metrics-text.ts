/**
 * The core's metrics.snapshot in Prometheus' text format (README "Prometheus"). A fresh registry
 * per scrape: a node, device or sensor that went away is gone from the next scrape rather than
 * frozen at its last value. prom-client writes the lines, so every label value (device names
 * and topic prefixes are data anyone who may publish chooses) is escaped by it.
 */
import { Counter, Gauge, Registry, Summary } from 'prom-client';
import type { CommitTimingsSnapshot, MetricsSnapshot } from '../../shared/contract';

/**
 * The commit durations are measured on the core's thread and arrive as figures: a summary whose
 * quantiles, sum and count are those figures, not observations made here.
 */
class ReportedSummary extends Summary {
  constructor(
    private readonly timings: CommitTimingsSnapshot,
    config: { name: string; help: string; registers: Registry[] },
  ) {
    super(config);
  }

  override async get(): ReturnType<Summary['get']> {
    const { name, ...rest } = await super.get();
    return {
      ...rest,
      name,
      values: [
        ...this.timings.recent.map((r) => ({ labels: { quantile: r.quantile }, value: r.seconds })),
        { metricName: `${name}_sum`, labels: {}, value: this.timings.seconds },
        { metricName: `${name}_count`, labels: {}, value: this.timings.commits },
      ],
    };
  }
}

/** A path as people write it: `Aurora/Lisbon/Kitchen`. */
const joined = (path: readonly string[] | null): string => (path ?? []).join('/');

export async function metricsText(m: MetricsSnapshot): Promise<{ contentType: string; text: string }> {
  const registry = new Registry();
  const registers = [registry];

  const energy = new Counter({
    name: 'kilowatch_energy_wh_total',
    help: 'Energy counted at the node (Wh), as site.tree totals it; survives restarts and device resets.',
    labelNames: ['node', 'kind', 'path'],
    registers,
  });
  const power = new Gauge({
    name: 'kilowatch_power_watts',
    help: 'Power at the node now (W).',
    labelNames: ['node', 'kind', 'path'],
    registers,
  });
  for (const n of m.nodes) {
    const labels = { node: n.id, kind: n.kind, path: joined(n.path) };
    // A counter only rises; a total below zero would be a bug, and a scrape must not fail on one.
    energy.inc(labels, Math.max(0, n.energyWh));
    power.set(labels, n.powerW);
  }

  const online = new Gauge({
    name: 'kilowatch_device_online',
    help: 'The device is reporting (1) or not (0).',
    labelNames: ['device', 'path'],
    registers,
  });
  const age = new Gauge({
    name: 'kilowatch_device_last_seen_age_seconds',
    help: 'Seconds since the device was last heard (absent: never).',
    labelNames: ['device', 'path'],
    registers,
  });
  for (const d of m.devices) {
    const labels = { device: d.id, path: joined(d.path) };
    online.set(labels, d.online ? 1 : 0);
    if (d.lastSeenAgeS !== null) age.set(labels, d.lastSeenAgeS);
  }

  new Counter({
    name: 'kilowatch_messages_received_total',
    help: 'MQTT messages the console received.',
    registers,
  }).inc(m.messages.received);
  const rejected = new Counter({
    name: 'kilowatch_messages_rejected_total',
    help: 'Messages refused, by reason (as stats.get names it).',
    labelNames: ['reason'],
    registers,
  });
  for (const [reason, count] of Object.entries(m.messages.rejected)) rejected.inc({ reason }, count);

  new ReportedSummary(m.commits, {
    name: 'kilowatch_store_commit_seconds',
    help: 'Time until a batch of readings is on disk, as the core sees it; quantiles over recent commits.',
    registers,
  });

  new Gauge({
    name: 'kilowatch_broker_connected',
    help: 'Connected to the MQTT broker (1) or not (0).',
    registers,
  }).set(m.broker.connected ? 1 : 0);
  new Gauge({
    name: 'kilowatch_aggregator',
    help: 'This console publishes the aggregates, holding the aggregator lease (1), or not (0).',
    registers,
  }).set(m.broker.aggregator ? 1 : 0);

  // The BLU H&T pipeline's names, so its users' graphs keep working.
  const sensorGauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['sensor', 'name', 'room'], registers });
  const temperature = sensorGauge('shelly_temperature_celsius', 'Temperature the sensor last read (°C).');
  const humidity = sensorGauge('shelly_humidity_percent', 'Relative humidity the sensor last read (%).');
  const battery = sensorGauge('shelly_battery_level', 'Battery level the sensor last said (%).');
  const lastSeen = sensorGauge('shelly_sensor_last_seen', 'When the sensor last read (Unix seconds).');
  for (const s of m.sensors) {
    const labels = { sensor: s.address, name: s.name ?? '', room: joined(s.room) };
    if (s.temperatureC !== null) temperature.set(labels, s.temperatureC);
    if (s.humidityPct !== null) humidity.set(labels, s.humidityPct);
    if (s.batteryPct !== null) battery.set(labels, s.batteryPct);
    if (s.lastSeenS !== null) lastSeen.set(labels, s.lastSeenS);
  }

  return { contentType: registry.contentType, text: await registry.metrics() };
}
