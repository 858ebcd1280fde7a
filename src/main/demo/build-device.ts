/**
 * Turns one planned device into a running simulation with plausible starting counters and
 * uptime. Each device draws from its own seeded stream, so what happens to one device (a command,
 * a reboot) never changes the numbers of another.
 */
import { BluHtComponent } from './components/blu-ht-component';
import { CoverComponent } from './components/cover-component';
import type { Gen2Component } from './components/component';
import { EmComponent, type PhaseStart } from './components/em-component';
import { Em1Component } from './components/em1-component';
import { Pm1Component } from './components/pm1-component';
import { SwitchComponent } from './components/switch-component';
import { Gen1Emeter, Gen1Relay } from './gen1-devices';
import { Gen2Device } from './gen2-device';
import type { LoadSpec } from './load';
import { createPrng, deriveSeed, type Prng } from './prng';
import type { DeviceSpec } from './site-plan';
import type { SimDevice } from './types';

const DAY_MS = 86_400_000;
/** The BLU H&T broadcasts once a minute; relaying a packet every few ticks keeps the demo lively. */
const BLU_EVERY_TICKS = 5;

export function buildDevice(spec: DeviceSpec, seed: number, atMs: number): SimDevice {
  const prng = createPrng(deriveSeed(seed, spec.id));
  const loadAt = (i: number): LoadSpec => {
    const load = spec.loads[i];
    if (!load) throw new Error(`site plan: ${spec.prefix} has no load #${i}`);
    return load;
  };
  switch (spec.family) {
    case 'gen1-1pm':
      // Watt-minutes since boot: a few days' worth at most.
      return new Gen1Relay(spec, atMs, prng, loadAt(0), prng.int(5_000_000));
    case 'gen1-em':
      return new Gen1Emeter(
        spec,
        atMs,
        prng,
        spec.loads,
        spec.loads.map(() => prng.int(900_000_000)),
      );
    default:
      return new Gen2Device(spec, gen2Components(spec, prng, atMs, loadAt), atMs - uptimeMs(prng), prng);
  }
}

function uptimeMs(prng: Prng): number {
  return 600_000 + prng.int(40 * DAY_MS);
}

/** Old firmware restarted its counter at the last reboot, so it holds little; others hold years. */
function switchStartMwh(spec: DeviceSpec, prng: Prng): number {
  return spec.isOldFirmware ? prng.int(3_000_000) : prng.int(120_000_000);
}

function gen2Components(
  spec: DeviceSpec,
  prng: Prng,
  atMs: number,
  loadAt: (i: number) => LoadSpec,
): Gen2Component[] {
  const metered = (id: number) =>
    new SwitchComponent(id, atMs, prng, { load: loadAt(id), initialMwh: switchStartMwh(spec, prng) });
  switch (spec.family) {
    case 'plus1pm':
    case 'plusplugs':
      return [metered(0)];
    case 'plus2pm':
      return [metered(0), metered(1)];
    case 'plus2pmcover':
      return [new CoverComponent(0, atMs, prng, { load: loadAt(0), initialMwh: prng.int(2_000_000) })];
    case 'pro3':
      return [0, 1, 2].map((id) => new SwitchComponent(id, atMs, prng));
    case 'pmminig3': {
      const load = loadAt(0);
      // A PV meter has fed back most of what it counted; aenergy counts both directions.
      const retMwh = load.isGenerator ? prng.int(400_000_000) : 0;
      return [new Pm1Component(0, atMs, prng, load, { mwh: retMwh + prng.int(30_000_000), retMwh })];
    }
    case 'pro3em': {
      const phase = (i: number): PhaseStart => ({
        load: loadAt(i),
        importMwh: 100_000_000 + prng.int(3_000_000_000),
        exportMwh: loadAt(i).isGenerator ? prng.int(900_000_000) : 0,
      });
      return [new EmComponent(0, atMs, prng, [phase(0), phase(1), phase(2)])];
    }
    case 'proem50':
    case 'emg3': {
      const channel = (id: number) =>
        new Em1Component(id, atMs, prng, {
          load: loadAt(id),
          importMwh: 10_000_000 + prng.int(900_000_000),
          exportMwh: loadAt(id).isGenerator ? prng.int(2_000_000_000) : 0,
        });
      // switch:0 drives a contactor: a relay without metering.
      return [channel(0), channel(1), new SwitchComponent(0, atMs, prng)];
    }
    case 'blugwg3': {
      const address = `7c:c6:b6:${prng.hex(2)}:${prng.hex(2)}:${prng.hex(2)}`;
      return [new BluHtComponent(atMs, prng, address, BLU_EVERY_TICKS)];
    }
    case 'gen1-1pm':
    case 'gen1-em':
      throw new Error(`${spec.family} is not a Gen2+ device`);
  }
}
