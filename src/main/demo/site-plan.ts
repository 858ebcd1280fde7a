/**
 * Where the demo fleet lives: one company, three offices, their rooms and what is plugged in
 * there. The layout is fixed so demos and screenshots look the same; device ids, MACs and which
 * plugs run old firmware come from the seed, so every run with the same seed is identical.
 *
 * Every name is a valid unified-namespace segment (PROTOCOL.md §7):
 * /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _.'&()-]{0,63}$/u. `Salão` is there on purpose (NFC, non-ASCII).
 */
import type { CurveKind } from './day-curve';
import type { LoadSpec } from './load';
import { MODELS, type Family } from './models';
import { createPrng, deriveSeed, type Prng } from './prng';

export const COMPANY = 'Aurora';

export interface DeviceSpec {
  id: string;
  /** 12 upper-case hex digits, as `sys.mac` and Gen1 `announce` print it. */
  mac: string;
  family: Family;
  /** Gen2+: `Company/Office/Room/Device`. Gen1: `shellies/<id>` (outside the namespace). */
  prefix: string;
  /** Device display name: the last namespace segment, or the id for Gen1. */
  name: string;
  /** One per metered channel: switch/pm1 channel, EM phase a/b/c, em1 channel, Gen1 relay/emeter. */
  loads: LoadSpec[];
  isOldFirmware: boolean;
  ip: string;
}

interface LoadShape {
  peakW: number;
  idleW?: number;
  curve?: CurveKind;
  isGenerator?: boolean;
  noise?: number;
}
interface DeviceTemplate {
  name: string;
  family: Family;
  loads: LoadShape[];
}
interface RoomTemplate {
  name: string;
  kind: CurveKind;
  devices: DeviceTemplate[];
}

const dev = (name: string, family: Family, ...loads: LoadShape[]): DeviceTemplate => ({
  name,
  family,
  loads,
});
const w = (peakW: number, idleW = 0, extra: Omit<LoadShape, 'peakW' | 'idleW'> = {}): LoadShape => ({
  peakW,
  idleW,
  ...extra,
});
const pv = (peakW: number, standbyW: number): LoadShape => ({
  peakW,
  idleW: standbyW,
  curve: 'solar',
  isGenerator: true,
  noise: 0.15,
});
const flat = (peakW: number, idleW: number, noise = 0.05): LoadShape => ({
  peakW,
  idleW,
  curve: 'flat',
  noise,
});

const guestRoom = (name: string, withMinibar: boolean): RoomTemplate => ({
  name,
  kind: 'guest',
  devices: [
    dev('Lights', 'plus2pm', w(180), w(60)),
    ...(withMinibar ? [dev('Minibar', 'plusplugs', flat(70, 45, 0.3))] : []),
    dev('AirCon', 'pmminig3', w(1400, 8)),
  ],
});

const OFFICES: ReadonlyArray<{ name: string; rooms: RoomTemplate[] }> = [
  {
    name: 'Lisbon',
    rooms: [
      {
        name: 'Reception',
        kind: 'reception',
        devices: [
          dev('Light1', 'plus1pm', w(120, 2)),
          dev('Light2', 'plus1pm', w(90, 2)),
          dev('CoffeeMachine', 'plusplugs', w(1200, 3, { noise: 0.3 })),
          dev('DisplayWall', 'plusplugs', w(180, 12)),
          dev('Heating', 'plus2pm', w(1500), w(1500)),
        ],
      },
      {
        name: 'OpenSpace',
        kind: 'office',
        devices: [
          dev('Lights', 'plus1pm', w(400, 5)),
          dev('DeskRow1', 'plus2pm', w(600, 40), w(600, 40)),
          dev('DeskRow2', 'plus2pm', w(550, 35), w(500, 30)),
          dev('Printer', 'plusplugs', w(350, 8, { noise: 0.4 })),
          dev('AirCon', 'pmminig3', w(2200, 15)),
          dev('Blinds', 'pro3'),
        ],
      },
      {
        name: 'MeetingRoom',
        kind: 'meeting',
        devices: [
          dev('Light1', 'plus1pm', w(150, 1)),
          dev('Projector', 'plusplugs', w(280, 4)),
          dev('BluGateway', 'blugwg3'),
        ],
      },
      {
        name: 'Kitchen',
        kind: 'kitchen',
        devices: [
          dev('Fridge', 'pmminig3', flat(180, 60, 0.35)),
          dev('Dishwasher', 'plus1pm', w(1900, 2)),
          dev('Oven', 'pmminig3', w(3000, 5)),
          dev('Kettle', 'plusplugs', w(2000, 0, { noise: 0.5 })),
          dev('Hood', 'pro3'),
        ],
      },
      {
        name: 'ServerRoom',
        kind: 'server',
        devices: [
          dev('RackA', 'plus2pm', flat(650, 600), flat(620, 580)),
          dev('RackB', 'plus2pm', flat(480, 450), flat(500, 470)),
          dev('Cooling', 'pmminig3', flat(1800, 1500, 0.1)),
          dev('Ventilation', 'pro3'),
        ],
      },
      {
        name: 'PlantRoom',
        kind: 'plant',
        devices: [
          // Phase C carries the rooftop PV: it imports at night and exports around noon.
          dev('MainBoard', 'pro3em', w(4000, 900), w(2500, 600), pv(3500, 800)),
          dev('HeatPumpMeter', 'emg3', w(2500, 300), w(2400, 200)),
        ],
      },
      {
        name: 'Salão',
        kind: 'reception',
        devices: [dev('Candeeiros', 'plus2pm', w(240), w(180)), dev('Jukebox', 'plusplugs', w(150, 6))],
      },
      { name: 'Roof', kind: 'plant', devices: [dev('BalconyPV', 'pmminig3', pv(600, 2))] },
    ],
  },
  {
    name: 'Porto',
    rooms: [
      {
        name: 'Reception',
        kind: 'reception',
        devices: [
          dev('Light1', 'plus1pm', w(110, 2)),
          dev('CoffeeMachine', 'plusplugs', w(1100, 3, { noise: 0.3 })),
          dev('Signage', 'plusplugs', w(140, 10)),
        ],
      },
      {
        name: 'MeetingRoom',
        kind: 'meeting',
        devices: [dev('Light1', 'plus1pm', w(130, 1)), dev('Screen', 'plusplugs', w(160, 3))],
      },
      {
        name: 'Kitchen',
        kind: 'kitchen',
        devices: [
          dev('Fridge', 'pmminig3', flat(170, 55, 0.35)),
          dev('Freezer', 'pmminig3', flat(220, 80, 0.35)),
          dev('Oven', 'plus1pm', w(2800, 4)),
          dev('Dishwasher', 'plus1pm', w(1800, 2)),
        ],
      },
      guestRoom('Room101', true),
      guestRoom('Room102', true),
      {
        name: 'ServerRoom',
        kind: 'server',
        devices: [dev('Rack', 'plus2pm', flat(520, 480), flat(300, 280)), dev('Ventilation', 'pro3')],
      },
      {
        name: 'PlantRoom',
        kind: 'plant',
        devices: [
          dev('MainBoard', 'pro3em', w(3500, 800), w(2200, 500), w(2600, 600)),
          dev('BoilerMeter', 'proem50', w(3000, 200), w(1800, 20, { curve: 'guest' })),
        ],
      },
    ],
  },
  {
    name: 'Faro',
    rooms: [
      {
        name: 'Reception',
        kind: 'reception',
        devices: [
          dev('Light1', 'plus1pm', w(100, 2)),
          dev('CoffeeMachine', 'plusplugs', w(1150, 3, { noise: 0.3 })),
        ],
      },
      {
        name: 'Kitchen',
        kind: 'kitchen',
        devices: [
          dev('Fridge', 'pmminig3', flat(190, 60, 0.35)),
          dev('Oven', 'plus1pm', w(2900, 4)),
          dev('Grill', 'plus1pm', w(2400, 3)),
        ],
      },
      guestRoom('Room201', true),
      guestRoom('Room202', false),
      {
        name: 'PoolHouse',
        kind: 'plant',
        devices: [
          dev('Pump', 'plus1pm', w(1100, 0)),
          dev('Heater', 'pmminig3', w(3000, 10)),
          dev('Lights', 'pro3'),
        ],
      },
      {
        name: 'ServerRoom',
        kind: 'server',
        devices: [dev('Rack', 'plus1pm', flat(420, 390)), dev('Ventilation', 'pro3')],
      },
      {
        name: 'PlantRoom',
        kind: 'plant',
        devices: [
          dev('MainBoard', 'pro3em', w(3200, 700), w(2000, 450), w(2400, 500)),
          dev('SolarMeter', 'proem50', pv(5000, 15), w(1100, 0)),
        ],
      },
    ],
  },
];

/** Gen1 devices publish under `shellies/` and stay "Unassigned" until staff place them. */
const GEN1_DEVICES: ReadonlyArray<{ family: Family; loads: LoadShape[]; kind: CurveKind }> = [
  { family: 'gen1-1pm', loads: [w(60, 0)], kind: 'reception' },
  { family: 'gen1-em', loads: [w(2000, 300), w(800, 50, { curve: 'kitchen' })], kind: 'plant' },
];

/** Plus 2PMs in cover mode: the motor draws while the blinds move. */
const COVERS: ReadonlyArray<{ prefix: string; name: string; motor: LoadShape; ip: string }> = [
  {
    prefix: `${COMPANY}/Lisbon/MeetingRoom/Blinds`,
    name: 'Blinds',
    motor: { peakW: 140, idleW: 140, curve: 'flat', noise: 0.05 },
    ip: '10.20.3.19',
  },
];

/** How many metered channels (loads) each family has. */
const CHANNELS: Readonly<Record<Family, number>> = {
  plus1pm: 1,
  plus2pm: 2,
  plus2pmcover: 1,
  plusplugs: 1,
  pro3: 0,
  pmminig3: 1,
  pro3em: 3,
  proem50: 2,
  emg3: 2,
  blugwg3: 0,
  'gen1-1pm': 1,
  'gen1-em': 2,
};

/** How many plugs/1PMs run early firmware that loses aenergy.total on reboot. */
const OLD_FIRMWARE_COUNT = 3;

export function buildFleetPlan(seed: number): DeviceSpec[] {
  const prng = createPrng(deriveSeed(seed, 'site-plan'));
  const usedIds = new Set<string>();
  const specs: DeviceSpec[] = [];

  const add = (
    family: Family,
    prefix: string | null,
    name: string | null,
    shapes: LoadShape[],
    kind: CurveKind,
    ip: string,
  ) => {
    if (shapes.length !== CHANNELS[family]) {
      throw new Error(
        `site plan: ${family} ${name ?? ''} needs ${CHANNELS[family]} loads, has ${shapes.length}`,
      );
    }
    const model = MODELS[family];
    const { id, mac } = uniqueId(model.idPrefix, model.oui, model.generation === 1, prng, usedIds);
    const loads = shapes.map((s) => ({
      peakW: s.peakW,
      idleW: s.idleW ?? 0,
      curve: s.curve ?? kind,
      ...(s.isGenerator && { isGenerator: true }),
      ...(s.noise !== undefined && { noise: s.noise }),
    }));
    specs.push({
      id,
      mac,
      family,
      prefix: prefix ?? `shellies/${id}`,
      name: name ?? id,
      loads,
      isOldFirmware: false,
      ip,
    });
  };

  OFFICES.forEach((office, officeIndex) => {
    office.rooms.forEach((room, roomIndex) => {
      room.devices.forEach((d, deviceIndex) => {
        const prefix = [COMPANY, office.name, room.name, d.name].join('/');
        add(
          d.family,
          prefix,
          d.name,
          d.loads,
          room.kind,
          `10.${20 + officeIndex}.${roomIndex + 1}.${deviceIndex + 11}`,
        );
      });
    });
  });
  GEN1_DEVICES.forEach((g, i) => add(g.family, null, null, g.loads, g.kind, `10.29.0.${i + 51}`));

  const candidates = specs.filter((s) => s.family === 'plusplugs' || s.family === 'plus1pm');
  for (let n = 0; n < OLD_FIRMWARE_COUNT && candidates.length > 0; n++) {
    const [chosen] = candidates.splice(prng.int(candidates.length), 1);
    if (chosen) chosen.isOldFirmware = true;
  }
  // Added last so every device before keeps the id and firmware it had before covers came.
  for (const c of COVERS) add('plus2pmcover', c.prefix, c.name, [c.motor], 'office', c.ip);
  return specs;
}

/** Gen2+ ids end in the lower-case MAC, Gen1 ids in the upper-case MAC (PROTOCOL.md §1). */
function uniqueId(
  idPrefix: string,
  oui: string,
  isGen1: boolean,
  prng: Prng,
  used: Set<string>,
): { id: string; mac: string } {
  for (;;) {
    const mac = (oui + prng.hex(6)).toUpperCase();
    const id = `${idPrefix}-${isGen1 ? mac : mac.toLowerCase()}`;
    if (!used.has(id)) {
      used.add(id);
      return { id, mac };
    }
  }
}
