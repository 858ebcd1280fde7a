/**
 * The Shelly models the demo fleet is made of: id prefix, model code, app name, generation and the
 * components each one exposes (PROTOCOL.md §1 and §4). Model codes are the real ones so the
 * console's model lookups work on demo data too.
 */

export type Family =
  | 'plus1pm'
  | 'plus2pm'
  /** A Plus 2PM in cover mode: one `cover:0` instead of two switches. */
  | 'plus2pmcover'
  | 'plusplugs'
  | 'pro3'
  | 'pmminig3'
  | 'pro3em'
  | 'proem50'
  | 'emg3'
  | 'blugwg3'
  | 'gen1-1pm'
  | 'gen1-em';

export interface ModelInfo {
  /** Device id prefix; the id is `<idPrefix>-<mac>`. */
  idPrefix: string;
  model: string;
  /** `app` in Shelly.GetDeviceInfo (Gen2+ only). */
  app: string;
  generation: 1 | 2 | 3;
  /** First three MAC bytes (Espressif ranges real Shellys ship with). */
  oui: string;
  /** Pro devices are wired (eth), Plus/Gen3 use Wi-Fi; the status objects differ. */
  network: 'wifi' | 'eth';
  /** Component keys this model reports, Gen1 channels named as the core names them. */
  components: readonly string[];
}

const switches = (n: number): string[] => Array.from({ length: n }, (_, i) => `switch:${i}`);

export const MODELS: Readonly<Record<Family, ModelInfo>> = {
  plus1pm: {
    idPrefix: 'shellyplus1pm',
    model: 'SNSW-001P16EU',
    app: 'Plus1PM',
    generation: 2,
    oui: 'a8032a',
    network: 'wifi',
    components: switches(1),
  },
  plus2pm: {
    idPrefix: 'shellyplus2pm',
    model: 'SNSW-102P16EU',
    app: 'Plus2PM',
    generation: 2,
    oui: '08b61f',
    network: 'wifi',
    components: switches(2),
  },
  plus2pmcover: {
    idPrefix: 'shellyplus2pm',
    model: 'SNSW-102P16EU',
    app: 'Plus2PM',
    generation: 2,
    oui: '08b61f',
    network: 'wifi',
    components: ['cover:0'],
  },
  plusplugs: {
    idPrefix: 'shellyplusplugs',
    model: 'SNPL-00112EU',
    app: 'PlusPlugS',
    generation: 2,
    oui: 'e465b8',
    network: 'wifi',
    components: switches(1),
  },
  // The Pro 3 has three relays and no metering: switch status without apower/aenergy.
  pro3: {
    idPrefix: 'shellypro3',
    model: 'SPSW-003XE16EU',
    app: 'Pro3',
    generation: 2,
    oui: '30c6f7',
    network: 'eth',
    components: switches(3),
  },
  pmminig3: {
    idPrefix: 'shellypmminig3',
    model: 'S3PM-001PCEU16',
    app: 'PMMiniG3',
    generation: 3,
    oui: '84fce6',
    network: 'wifi',
    components: ['pm1:0'],
  },
  pro3em: {
    idPrefix: 'shellypro3em',
    model: 'SPEM-003CEBEU',
    app: 'Pro3EM',
    generation: 2,
    oui: 'ec6260',
    network: 'eth',
    components: ['em:0', 'emdata:0'],
  },
  // Pro EM-50 and EM Gen3 both expose em1:0..1 + em1data:0..1 and an unmetered contactor switch:0.
  proem50: {
    idPrefix: 'shellyproem50',
    model: 'SPEM-002CEBEU50',
    app: 'ProEM',
    generation: 2,
    oui: '08f9e0',
    network: 'eth',
    components: ['em1:0', 'em1:1', 'em1data:0', 'em1data:1', 'switch:0'],
  },
  emg3: {
    idPrefix: 'shellyemg3',
    model: 'S3EM-002CXCEU',
    app: 'EMG3',
    generation: 3,
    oui: 'dcb4d9',
    network: 'wifi',
    components: ['em1:0', 'em1:1', 'em1data:0', 'em1data:1', 'switch:0'],
  },
  blugwg3: {
    idPrefix: 'shellyblugwg3',
    model: 'S3GW-1DBT001',
    app: 'BluGw',
    generation: 3,
    oui: 'e4b063',
    network: 'wifi',
    components: [
      'bthomedevice:200',
      'bthomesensor:200',
      'bthomesensor:201',
      'bthomesensor:202',
      'bthomesensor:203',
    ],
  },
  'gen1-1pm': {
    idPrefix: 'shelly1pm',
    model: 'SHSW-PM',
    app: '',
    generation: 1,
    oui: 'C45BBE',
    network: 'wifi',
    components: ['relay:0'],
  },
  'gen1-em': {
    idPrefix: 'shellyem',
    model: 'SHEM',
    app: '',
    generation: 1,
    oui: 'C45BBE',
    network: 'wifi',
    components: ['relay:0', 'emeter:0', 'emeter:1'],
  },
};

/** Firmware as reported in Shelly.GetDeviceInfo (`ver`, `fw_id`) and Gen1 announce (`fw_ver`). */
export const FIRMWARE = {
  current: { ver: '1.4.4', fwId: '20241011-114455/1.4.4-g6d2a586' },
  // Early Plus firmware: aenergy.total restarts at 0 on every reboot (PROTOCOL.md §5.1).
  old: { ver: '0.14.1', fwId: '20230308-091524/0.14.1-g22a4cb7' },
  gen1: { ver: '20230913-112234/v1.14.0-gcb84623', fwId: '20230913-112234/v1.14.0-gcb84623' },
} as const;
