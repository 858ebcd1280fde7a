/**
 * The one contract between the core and every front end (Electron IPC, the headless HTTP/WebSocket
 * bridge, the renderer). Each command and event is declared once as a zod schema; the TypeScript
 * types are inferred from the schemas, never written twice. Whoever receives a value validates it
 * with these schemas (ipc.ts, serve.ts, renderer/api).
 *
 * Changing a schema here changes a public contract: say so in the README.
 */
import { z } from 'zod';
import { TariffInputSchema } from './tariff-input';
import { ERROR_CODES, type ApiError, type Result } from './result';

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  detail: z.unknown().optional(),
});

const IsoTime = z.iso.datetime({ offset: true });
const NodeId = z.string().min(1).max(1024);

// ---- site ------------------------------------------------------------------------------------

export const NODE_KINDS = ['company', 'office', 'room', 'device', 'channel', 'unassigned'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** A Gen2+ cover's `state`, as the device reports it. */
export const COVER_STATES = ['open', 'closed', 'opening', 'closing', 'stopped', 'calibrating'] as const;
export type CoverState = (typeof COVER_STATES)[number];

/** What a cover (`cover:N`) last reported; null where it has not said. */
export const CoverStatusSchema = z.object({
  state: z.enum(COVER_STATES).nullable(),
  /** 0 = closed, 100 = open; only a calibrated cover (`pos_control`) knows it. */
  positionPct: z.number().min(0).max(100).nullable(),
  /** `pos_control`: the cover was calibrated and can go to a position. */
  isCalibrated: z.boolean().nullable(),
});
export type CoverStatus = z.infer<typeof CoverStatusSchema>;
export const COVER_ACTIONS = ['open', 'close', 'stop', 'position'] as const;
export type CoverAction = (typeof COVER_ACTIONS)[number];

/**
 * A meter's latest instantaneous figures, on a phase channel of a three-phase meter (`emdata:0/a`,
 * from `em:0`) or an EM1 channel (`em1data:1`, from `em1:1`); null where the device has not said.
 */
export const ElectricalSchema = z.object({
  voltageV: z.number().nullable(),
  currentA: z.number().nullable(),
  powerFactor: z.number().nullable(),
  powerW: z.number().nullable(),
});
export type Electrical = z.infer<typeof ElectricalSchema>;

export interface SiteNode {
  id: string;
  kind: NodeKind;
  name: string;
  path: string[];
  online?: boolean;
  /** A device's model code (`SPEM-003CEBEU`). */
  model?: string;
  /** The product that code is (`Pro 3EM`), when the console knows it. */
  product?: string;
  /** For a channel that is a relay: whether the console can switch it. */
  switchable?: boolean;
  output?: boolean | null;
  /** For a channel that is a cover: its state and position; the console can move it. */
  cover?: CoverStatus;
  /** For a channel that is a meter's phase or an EM1 channel: its voltage, current, PF and power. */
  electrical?: Electrical;
  /** Why a device is unplaced (`no-placement`, `invalid-name`). */
  reason?: string;
  lastSeen?: string;
  /**
   * A company, office or room no device is in any more, where energy was counted: shown (empty)
   * so its history can still be found; its total is in `totals` under its id.
   */
  former?: boolean;
  /** A device's or channel's metering role, when not a plain load. */
  role?: MeterRoleInfo;
  /** A device read over HTTP (`[[poll]]` in kilowatch.toml), not on MQTT. */
  polled?: true;
  /** A device's category, when set by staff or known from its model (else it is `other`). */
  category?: DeviceCategoryInfo;
  children: SiteNode[];
}

// ---- device categories (README "Device categories") ---------------------------------------------

export const DEVICE_CATEGORIES = ['lighting', 'hvac', 'plug', 'kitchen', 'it', 'other'] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];
export const DeviceCategoryInfoSchema = z.object({
  category: z.enum(DEVICE_CATEGORIES),
  /** `console`: set by staff; `model`: what the device's model obviously is (a plug, a dimmer). */
  source: z.enum(['console', 'model']),
});
export type DeviceCategoryInfo = z.infer<typeof DeviceCategoryInfoSchema>;
/** A node's energy (and cost) per category over a period; the categories add up to the node's. */
export const CategoryBreakdownSchema = z.object({
  node: z.string(),
  from: IsoTime,
  to: IsoTime,
  currency: z.string().optional(),
  categories: z.array(
    z.object({
      category: z.enum(DEVICE_CATEGORIES),
      energyWh: z.number(),
      costMinor: z.number().int().optional(),
    }),
  ),
  total: z.object({ energyWh: z.number(), costMinor: z.number().int().optional() }),
});
export type CategoryBreakdown = z.infer<typeof CategoryBreakdownSchema>;

// ---- metering roles (README "Main meters and solar") ----------------------------------------------

export const METER_ROLES = ['load', 'main', 'generation'] as const;
export const MAIN_SCOPES = ['room', 'office', 'company'] as const;
export const MeterRoleInfoSchema = z.object({
  role: z.enum(METER_ROLES),
  /** For a main meter: the place it is the incoming supply of. */
  scope: z.enum(MAIN_SCOPES).optional(),
  /** `config`: declared in kilowatch.toml (the console does not change it); `inherited`: the device's. */
  source: z.enum(['console', 'config', 'inherited']),
});
export type MeterRoleInfo = z.infer<typeof MeterRoleInfoSchema>;

/** What a place's numbers mean once main meters or generation are in play; absent otherwise. */
export const RoleFiguresSchema = z.object({
  /** Σ generation beneath (solar), Wh. */
  productionWh: z.number().optional(),
  /** Consumption (from the main meter) − Σ metered loads beneath. Negative: a wiring or role mistake. */
  unmeteredWh: z.number().optional(),
  /** Energy the main meter saw leaving. */
  exportWh: z.number().optional(),
  /** Production used inside: production − export. */
  selfConsumptionWh: z.number().optional(),
});
export type RoleFigures = z.infer<typeof RoleFiguresSchema>;

const siteNodeFields = {
  id: z.string(),
  kind: z.enum(NODE_KINDS),
  name: z.string(),
  path: z.array(z.string()),
  online: z.boolean().optional(),
  model: z.string().optional(),
  product: z.string().optional(),
  switchable: z.boolean().optional(),
  output: z.boolean().nullable().optional(),
  cover: CoverStatusSchema.optional(),
  electrical: ElectricalSchema.optional(),
  reason: z.string().optional(),
  lastSeen: IsoTime.optional(),
  former: z.boolean().optional(),
  role: MeterRoleInfoSchema.optional(),
  polled: z.literal(true).optional(),
  category: DeviceCategoryInfoSchema.optional(),
};

/** company → office → room → device → channel; Unassigned → device → channel. */
export const SITE_TREE_DEPTH = 5;

/**
 * A node with at most `levels` levels including itself. The tree's depth is fixed, so the schema
 * is spelt out to it instead of being recursive (z.lazy): zod guards every object a recursive
 * schema meets against cycles, which made checking a 10,000-device tree about twice as slow, in
 * the core and again in the renderer. A deeper tree is refused.
 */
function siteNodeOf(levels: number): z.ZodType<SiteNode> {
  const children = levels <= 1 ? z.array(z.never()) : z.array(siteNodeOf(levels - 1));
  return z.object({ ...siteNodeFields, children });
}

export const SiteNodeSchema: z.ZodType<SiteNode> = siteNodeOf(SITE_TREE_DEPTH);

/** The order of `totals.live` pushes (totals.get says which one its totals stand at). */
export const LiveSeq = z.number().int().nonnegative();

export const NodeTotalsSchema = z.object({
  id: z.string(),
  energyWh: z.number(),
  returnedWh: z.number(),
  powerW: z.number(),
  /** Energy since local midnight in the site's time zone. */
  todayWh: z.number(),
  devices: z.number().int().nonnegative(),
  reporting: z.number().int().nonnegative(),
  since: IsoTime.nullable(),
  /** A phase or EM1 channel's live voltage, current, PF and power (as on its SiteNode). */
  electrical: ElectricalSchema.optional(),
  /** This place's consumption comes from a main meter (then `unmeteredWh` is set). */
  hasMain: z.boolean().optional(),
  ...RoleFiguresSchema.shape,
});
export type NodeTotals = z.infer<typeof NodeTotalsSchema>;

/** A BLU H&T (or other BTHome sensor) heard through a gateway. No energy. */
export const SensorSchema = z.object({
  address: z.string(),
  name: z.string().nullable(),
  model: z.string().nullable(),
  /** `device`: the device's own sensor (a thermostat, Presence, Wall Display); address is its id. */
  source: z.enum(['bthome-component', 'script-event', 'device']),
  /** The Shelly id of the gateway that reported it first. */
  gateway: z.string().nullable(),
  /** The room node of its gateway (paired BTHome components only), else null. */
  room: z.string().nullable(),
  temperatureC: z.number().nullable(),
  humidityPct: z.number().nullable(),
  batteryPct: z.number().nullable(),
  rssiDbm: z.number().nullable(),
  packetId: z.number().nullable(),
  lastUpdated: IsoTime.nullable(),
  /** A device's own illuminance sensor, lux. */
  illuminanceLux: z.number().nullable().optional(),
  /** A presence sensor: someone is in its main zone. */
  occupied: z.boolean().nullable().optional(),
  /** The device node that measures it (`source: 'device'`). */
  device: z.string().optional(),
  /** A flood sensor (Gen1 Flood): water detected. */
  waterDetected: z.boolean().nullable().optional(),
});
export type Sensor = z.infer<typeof SensorSchema>;

export const SiteTreeSchema = z.object({
  nodes: z.array(SiteNodeSchema),
  totals: z.array(NodeTotalsSchema),
  sensors: z.array(SensorSchema),
  /** Devices a `devices` limit left out (their rooms are there, without them); absent: none. */
  devicesLeftOut: z.number().int().positive().optional(),
});
export type SiteTree = z.infer<typeof SiteTreeSchema>;

/** One segment of a unified-namespace path (PROTOCOL.md §7). */
export const PLACE_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _.'&()-]{0,63}$/u;
const PlaceName = z
  .string()
  .transform((s) => s.normalize('NFC'))
  .pipe(
    z
      .string()
      .regex(
        PLACE_NAME_PATTERN,
        "1–64 letters, digits, spaces or _ . ' & ( ) -, starting with a letter or digit",
      ),
  );

// ---- connection --------------------------------------------------------------------------------

export const TlsOptionsSchema = z.object({
  rejectUnauthorized: z.boolean().default(true),
  ca: z.string().max(1_000_000).optional(),
  cert: z.string().max(1_000_000).optional(),
  key: z.string().max(1_000_000).optional(),
  passphrase: z.string().max(1024).optional(),
  servername: z.string().max(255).optional(),
});

export const ConnectionProfileSchema = z.object({
  name: z.string().min(1).max(100),
  url: z
    .string()
    .max(2048)
    .regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'must start with mqtt://, mqtts://, ws:// or wss://'),
  protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
  clientId: z.string().min(1).max(128).optional(),
  username: z.string().max(512).optional(),
  password: z.string().max(4096).optional(),
  keepaliveS: z.number().int().min(5).max(3600).default(30),
  tls: TlsOptionsSchema.optional(),
  subscribe: z.array(z.string().min(1).max(1024)).min(1).default(['#']),
});
export type ConnectionProfile = z.infer<typeof ConnectionProfileSchema>;
export type ConnectionProfileInput = z.input<typeof ConnectionProfileSchema>;

export const CONNECTION_STATUSES = [
  'disconnected',
  'connecting',
  'connected',
  'reconnecting',
  'error',
] as const;
export const ConnectionStateSchema = z.object({
  status: z.enum(CONNECTION_STATUSES),
  /** The broker URL without credentials. */
  broker: z.string().nullable(),
  subscribed: z.boolean(),
  demo: z.boolean(),
  tlsVerified: z.boolean().nullable(),
  lastError: ApiErrorSchema.nullable(),
  nextRetryAt: IsoTime.nullable(),
  /** The connection profile in use (the wizard names it before replacing it); absent when none. */
  profile: z.string().optional(),
});
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

export const TestStepSchema = z.object({
  step: z.enum(['resolve', 'tcp', 'tls', 'connack', 'subscribe', 'first-message']),
  ok: z.boolean(),
  ms: z.number(),
  message: z.string().optional(),
});
export const ConnectionTestReportSchema = z.object({
  passed: z.boolean(),
  steps: z.array(TestStepSchema),
  failure: ApiErrorSchema.optional(),
});
export type ConnectionTestReport = z.infer<typeof ConnectionTestReportSchema>;

/** What a front end may see of a saved connection: no secret, no key material. */
export const ConnectionSummarySchema = z.object({
  name: z.string(),
  url: z.string(),
  protocolVersion: z.union([z.literal(4), z.literal(5)]),
  clientId: z.string().optional(),
  username: z.string().optional(),
  keepaliveS: z.number().int(),
  subscribe: z.array(z.string()),
  tls: z
    .object({
      rejectUnauthorized: z.boolean(),
      servername: z.string().optional(),
      hasCa: z.boolean(),
      hasCert: z.boolean(),
      hasKey: z.boolean(),
      hasPassphrase: z.boolean(),
    })
    .optional(),
  hasPassword: z.boolean(),
  /** The one connected to at start. */
  isActive: z.boolean(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummarySchema>;

export const StorageInfoSchema = z.object({
  /** The data folder: the database, saved connections, certificates, logs. */
  folder: z.string(),
  dbPath: z.string(),
  /** Everything in the data folder, in bytes (the database and its journal too when kept there). */
  folderBytes: z.number().int().nonnegative(),
  dbBytes: z.number().int().nonnegative(),
  schemaVersion: z.number().int(),
});
export type StorageInfo = z.infer<typeof StorageInfoSchema>;

// ---- settings -----------------------------------------------------------------------------------

/**
 * Where aggregates are published: MQTT topic levels without wildcards, empty levels or a leading
 * `$` (the broker's own tree).
 */
export const PublishPrefixSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^(?!\$)[^/+#]+(\/[^/+#]+)*$/,
    'MQTT topic levels separated by "/": no "+", "#", empty level or leading "$"',
  )
  // MQTT forbids NUL in a topic; the broker would drop the connection over it.
  .refine((prefix) => !prefix.includes(String.fromCharCode(0)), 'no NUL character');

/** An IANA zone name ("Europe/Lisbon"), as this runtime knows it. */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'not a time zone name (use one like "Europe/Lisbon")');

/**
 * How numbers, dates and times are written in the console, and its words where a catalog exists
 * (English, Portuguese); `system` follows the computer's (README "Settings").
 */
export const LANGUAGES = [
  'system',
  'en-GB',
  'en-US',
  'pt-PT',
  'es-ES',
  'fr-FR',
  'de-DE',
  'it-IT',
  'nl-NL',
] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Topic layouts the aggregator publishes (README "Coreflux-compatible topics"): Kilowatch's own
 * `<prefix>/…/energy`, and those of the two public Coreflux examples.
 */
export const PUBLISH_PROFILES = ['kilowatch', 'coreflux-csharp', 'coreflux-python'] as const;
export type PublishProfile = (typeof PUBLISH_PROFILES)[number];
const named = PUBLISH_PROFILES.map((p) => `"${p}"`).join(', ');
/** Known names, each at most once; empty publishes nothing. */
export const PublishProfilesSchema = z
  .array(
    z.enum(PUBLISH_PROFILES, {
      error: (issue) => `unknown publish profile ${JSON.stringify(issue.input)}; use ${named}`,
    }),
  )
  .refine((list) => new Set(list).size === list.length, 'a publish profile is named twice');

export const SettingsValuesSchema = z.object({
  publishPrefix: PublishPrefixSchema,
  publishIntervalS: z.number().int().min(1).max(3600),
  /** Days minute rows are kept; hour, day, week and month rollups are kept for ever. */
  minuteDays: z.number().int().min(1).max(3660),
  timeZone: TimeZoneSchema,
  language: z.enum(LANGUAGES),
  publishProfiles: PublishProfilesSchema,
});
export type SettingsValues = z.infer<typeof SettingsValuesSchema>;
export type SettingKey = keyof SettingsValues;
export const SETTING_KEYS = Object.keys(SettingsValuesSchema.shape) as SettingKey[];

/** Where a setting's value comes from: kilowatch.toml and command-line flags win over the console. */
export const SETTING_SOURCES = ['default', 'console', 'file', 'flag'] as const;
const SettingSource = z.enum(SETTING_SOURCES);
export const SettingsSchema = z.object({
  values: SettingsValuesSchema,
  sources: z.object({
    publishPrefix: SettingSource,
    publishIntervalS: SettingSource,
    minuteDays: SettingSource,
    timeZone: SettingSource,
    language: SettingSource,
    publishProfiles: SettingSource,
  }),
  /** For a value from the file or a flag: where exactly ("kilowatch.toml [publish] prefix"). */
  pinnedBy: z.record(z.string(), z.string()),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** The tariff in force: as written, and from kilowatch.toml (wins), the settings screen, or nowhere. */
export const TariffSettingSchema = z.object({
  tariff: TariffInputSchema.nullable(),
  source: z.enum(['file', 'console', 'none']),
});
export type TariffSetting = z.infer<typeof TariffSettingSchema>;

/** "Rebuild history": how far it is. */
export const REBUILD_PHASES = ['reading', 'writing', 'done', 'failed'] as const;
export const RebuildProgressSchema = z.object({
  phase: z.enum(REBUILD_PHASES),
  /** Minute rows read so far, of `total`. */
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Why it failed, in words. */
  message: z.string().optional(),
});
export type RebuildProgress = z.infer<typeof RebuildProgressSchema>;
export const RebuildReportSchema = z.object({
  minutes: z.number().int().nonnegative(),
  buckets: z.number().int().nonnegative(),
  differed: z.number().int().nonnegative(),
  fromMinute: z.number().int().nullable(),
});

// ---- history, reports, ledger, stats ----------------------------------------------------------

export const RESOLUTIONS = ['minute', 'hour', 'day', 'week', 'month', 'auto'] as const;
export const HistoryQuerySchema = z.object({
  node: NodeId,
  from: IsoTime,
  to: IsoTime,
  resolution: z.enum(RESOLUTIONS).default('auto'),
});
export const REPORT_ZONES = ['local', 'utc'] as const;
/**
 * A bucket's money with a tariff (`[tariff]`), in whole minor units of `currency` (cents), each
 * rounded once from the exact sum. Absent where any of the bucket's energy was counted without a
 * price (before the tariff's first period, or before the tariff was set: Rebuild history prices
 * the kept minutes).
 */
const CostFiguresSchema = z.object({
  /** Consumption (energyWh) priced at the import price in force at each minute. */
  costMinor: z.number().int().optional(),
  /** Returned or exported energy (returnedWh) credited at the feed-in price. */
  exportCreditMinor: z.number().int().optional(),
  /** Under a main meter: the supply's cost less the metered loads' (what no sub-meter measured). */
  unmeteredCostMinor: z.number().int().optional(),
});
export const HistoryPointSchema = z.object({
  start: IsoTime,
  end: IsoTime,
  energyWh: z.number(),
  returnedWh: z.number(),
  ...RoleFiguresSchema.shape,
  ...CostFiguresSchema.shape,
});
export const HistoryResultSchema = z.object({
  node: z.string(),
  resolution: z.enum(RESOLUTIONS),
  unit: z.literal('Wh'),
  /** ISO 4217 code of the cost figures; absent without a tariff. */
  currency: z.string().optional(),
  points: z.array(HistoryPointSchema),
  /** The sum of the points, added exactly by the core (the renderer does no energy arithmetic). */
  total: z.object({
    energyWh: z.number(),
    returnedWh: z.number(),
    ...RoleFiguresSchema.shape,
    ...CostFiguresSchema.shape,
    /**
     * On a company: the tariff's standing charges for the local days starting in the range (the
     * site has one supply contract), minor units; not part of `costMinor`.
     */
    standingMinor: z.number().int().optional(),
  }),
  gaps: z.array(z.object({ from: IsoTime, to: IsoTime })),
});
export type HistoryResult = z.infer<typeof HistoryResultSchema>;
/** The bucket size of a history answer. */
export type Resolution = HistoryResult['resolution'];

/** A node's period as the printed report shows it: its history and its children ranked. */
export const ReportSummarySchema = z.object({
  node: z.string(),
  /** The site's time zone, which the buckets follow. */
  zone: z.string(),
  resolution: z.enum(RESOLUTIONS),
  points: z.array(HistoryPointSchema),
  total: z.object({ energyWh: z.number(), returnedWh: z.number() }),
  /** Each child with what it counted in this node over the period, largest first. */
  children: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      /** For an EM phase, the channel it is a part of (its energy is already in that one's). */
      partOf: z.string(),
      energyWh: z.number(),
      returnedWh: z.number(),
    }),
  ),
  /** What no child accounts for (minutes no longer kept per device). */
  notItemisedWh: z.number(),
});
export type ReportSummary = z.infer<typeof ReportSummarySchema>;

export const LEDGER_KINDS = [
  'baseline',
  'duplicate',
  'out-of-order',
  'stale-retained',
  'no-change',
  'reset',
  'dip-ignored',
  'unavailable',
  'rejected',
  'gap',
  'rebased',
  'role',
] as const;
export const LedgerEntrySchema = z.object({
  at: IsoTime,
  channel: z.string(),
  counter: z.enum(['import', 'return']),
  kind: z.enum(LEDGER_KINDS),
  reason: z.string().optional(),
  previousWh: z.number().nullable(),
  valueWh: z.number().nullable(),
  countedWh: z.number(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

export const StatsSchema = z.object({
  received: z.number().int(),
  applied: z.number().int(),
  ignored: z.number().int(),
  rejected: z.record(z.string(), z.number().int()),
  lastRejected: z.array(z.object({ at: IsoTime, topic: z.string(), reason: z.string() })).max(50),
  devices: z.number().int(),
  channels: z.number().int(),
  uptimeS: z.number(),
  /** Whether this console publishes the aggregates (ARCHITECTURE.md §9: one per site does). */
  aggregator: z.boolean(),
  /** The aggregator lease on the broker: this console's client id, its role, and who holds it. */
  lease: z.object({
    clientId: z.string(),
    role: z.enum(['deciding', 'aggregator', 'standby', 'unchecked']),
    holder: z.string().nullable(),
    since: IsoTime.nullable(),
  }),
});
export type Stats = z.infer<typeof StatsSchema>;

// ---- metrics (GET /metrics on the headless bridge, README "Prometheus") --------------------------

/** How long the store's recent commits took (core/store/commit-timings.ts). */
export const CommitTimingsSnapshotSchema = z.object({
  /** Commits that landed since start, and the seconds they took in all. */
  commits: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  /** Over the latest commits; empty before the first. */
  recent: z.array(z.object({ quantile: z.number().min(0).max(1), seconds: z.number().nonnegative() })),
});
export type CommitTimingsSnapshot = z.infer<typeof CommitTimingsSnapshotSchema>;

/** What a Prometheus scrape shows, as the core knows it at `at`; the bridge only formats it. */
export const MetricsSnapshotSchema = z.object({
  at: IsoTime,
  /** Every node with totals, as in site.tree (`path`: its names, company first). */
  nodes: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(NODE_KINDS),
      path: z.array(z.string()),
      energyWh: z.number(),
      powerW: z.number(),
    }),
  ),
  devices: z.array(
    z.object({
      /** The Shelly id, or the topic prefix of a device that has not said it. */
      id: z.string(),
      path: z.array(z.string()),
      online: z.boolean(),
      /** Seconds since the device was last heard; null if never. */
      lastSeenAgeS: z.number().nonnegative().nullable(),
    }),
  ),
  messages: z.object({
    received: z.number().int().nonnegative(),
    rejected: z.record(z.string(), z.number().int().nonnegative()),
  }),
  commits: CommitTimingsSnapshotSchema,
  broker: z.object({ connected: z.boolean(), aggregator: z.boolean() }),
  sensors: z.array(
    z.object({
      address: z.string(),
      name: z.string().nullable(),
      /** The room's names (company, office, room); null for a sensor in no room. */
      room: z.array(z.string()).nullable(),
      temperatureC: z.number().nullable(),
      humidityPct: z.number().nullable(),
      batteryPct: z.number().nullable(),
      /** When it last read, in Unix seconds. */
      lastSeenS: z.number().nullable(),
    }),
  ),
});
export type MetricsSnapshot = z.infer<typeof MetricsSnapshotSchema>;

// ---- commissioning (README "Add a Shelly") -----------------------------------------------------

/**
 * Where a Shelly answers on the LAN: an IPv4 address or a host name, with `:port` when not 80.
 * Never a URL: the console builds the device's own paths itself.
 */
export const DEVICE_ADDRESS_PATTERN =
  /^(?=[^:]{1,253}(?::\d{1,5})?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62})*(?::\d{1,5})?$/;
const DeviceAddress = z
  .string()
  .trim()
  .regex(DEVICE_ADDRESS_PATTERN, 'an IP address or host name, with :port when not 80 (no http://, no path)');

/** A device's own login: Gen2+ answer with digest (the user is always `admin`), Gen1 with basic. */
export const DeviceLoginSchema = z.object({
  /** Gen1 only; Gen2+ always use `admin`. */
  username: z.string().min(1).max(64).optional(),
  password: z.string().min(1).max(256),
});

/** What a Shelly says about itself on its local HTTP API. */
export const ShellyFoundSchema = z.object({
  /** `host` or `host:port`, as it can be given back to `device.commission`. */
  address: z.string(),
  generation: z.number().int().min(1),
  /** The id it uses on MQTT; null for a protected Gen1 read without its password. */
  id: z.string().nullable(),
  mac: z.string(),
  /** Model code: `SNPL-00112EU`, Gen1 `SHPLG-S`. */
  model: z.string(),
  /** The name set in the Shelly app, if any. */
  name: z.string().nullable(),
  firmware: z.string().nullable(),
  /** The device asks for a password (everything but its identity). */
  authRequired: z.boolean(),
  /** Its MQTT settings now; null when they could not be read (protected, no password given). */
  mqtt: z
    .object({
      enabled: z.boolean(),
      server: z.string().nullable(),
      user: z.string().nullable(),
      /** Gen2+ `topic_prefix`; Gen1 `shellies/<mqtt id>`. */
      topicPrefix: z.string().nullable(),
    })
    .nullable(),
  /** The console already knows it: its device node and where it is placed (empty: Unassigned). */
  known: z.object({ node: z.string(), path: z.array(z.string()) }).nullable(),
});
export type ShellyFound = z.infer<typeof ShellyFoundSchema>;

/** How the device reaches the broker: Shelly's `ssl_ca` (Gen1 has plain MQTT only). */
export const DEVICE_MQTT_TLS = ['none', 'built-in-ca', 'user-ca'] as const;

export const CommissionParamsSchema = z.object({
  address: DeviceAddress,
  login: DeviceLoginSchema.optional(),
  /** Company, office, room. */
  path: z.tuple([PlaceName, PlaceName, PlaceName]),
  /** The device's name there, the last segment of its topic prefix. */
  name: PlaceName,
  mqtt: z.object({
    /** The broker as the device reaches it, `host:port` (the console's own address may differ). */
    server: z
      .string()
      .trim()
      .regex(/^[^:/\s]{1,253}:\d{1,5}$/, 'host:port, as the device reaches the broker'),
    user: z.string().min(1).max(256).optional(),
    password: z.string().min(1).max(256).optional(),
    tls: z.enum(DEVICE_MQTT_TLS).default('none'),
  }),
});

export const CommissionReportSchema = z.object({
  /** The device node it will appear as. */
  device: z.string(),
  id: z.string(),
  generation: z.number().int().min(1),
  /** Where it now publishes: Gen2+ the place's topic prefix, Gen1 `shellies/<id>`. */
  topicPrefix: z.string(),
  /** Company, office, room: from the prefix (Gen2+) or assigned by the console (Gen1). */
  path: z.array(z.string()),
  /** The device was asked to restart so the settings take effect. */
  restarted: z.boolean(),
});
export type CommissionReport = z.infer<typeof CommissionReportSchema>;

/** A /22 at most (1,022 hosts): a LAN, not the internet. */
export const SCAN_NETWORK_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(2[2-9]|3[0-2])$/;

// ---- insight (README "Insight") ---------------------------------------------------------------

/** One period against the one it is compared with, up to the same local time. */
export const ComparisonSchema = z.object({
  from: IsoTime,
  to: IsoTime,
  energyWh: z.number(),
  previousFrom: IsoTime,
  previousTo: IsoTime,
  previousWh: z.number(),
  changeWh: z.number(),
  /** Null when the previous period used nothing (no percentage of zero). */
  changePct: z.number().nullable(),
  /** Read to the hour, not the minute: that part of the previous period's minutes is no longer kept. */
  isToTheHour: z.boolean(),
  /**
   * With a tariff: each period's consumption at its import prices, in minor units of the insight's
   * `currency`, rounded once; absent for a period any unit of whose energy had no price (never 0
   * for that). `changeCostMinor` is the difference of the two figures shown, and `changeCostPct`
   * the exact one (null when the previous period cost nothing); both only when both costs are there.
   */
  costMinor: z.number().int().optional(),
  previousCostMinor: z.number().int().optional(),
  changeCostMinor: z.number().int().optional(),
  changeCostPct: z.number().nullable().optional(),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

/** A child of the node, by energy. */
export const RankedChildSchema = z.object({
  node: z.string(),
  name: z.string(),
  energyWh: z.number(),
  /** Of the node's own energy in the same period, 0–1; null when the node used nothing. */
  share: z.number().nullable(),
  /** With a tariff, when every unit of its energy in the period was priced: what it cost, minor units. */
  costMinor: z.number().int().optional(),
});

export const MoverSchema = z.object({
  node: z.string(),
  name: z.string(),
  energyWh: z.number(),
  previousWh: z.number(),
  changeWh: z.number(),
  changePct: z.number().nullable(),
});

/** What a node's figures say, computed by the core from its history (nothing estimated). */
export const InsightSchema = z.object({
  node: z.string(),
  /** The site's zone the days and nights follow. */
  zone: z.string(),
  /** With a tariff: the ISO 4217 code every `…CostMinor` is in; absent without one (no cost anywhere). */
  currency: z.string().optional(),
  at: IsoTime,
  /** Today so far against the same weekday a week ago, to the same local time. */
  today: ComparisonSchema,
  /** This month so far against last month, to the same day and time (its last day when shorter). */
  month: ComparisonSchema,
  /**
   * The lowest sustained power of the last complete night (the lowest 15-minute mean inside the
   * night window, only where every minute has data), and what it adds up to over a day. Null when
   * the night has no 15 minutes fully read.
   */
  baseLoad: z
    .object({
      watts: z.number(),
      from: IsoTime,
      to: IsoTime,
      night: z.object({ from: IsoTime, to: IsoTime }),
      /** The base load over 24 hours, Wh. */
      perDayWh: z.number(),
      /** Of the last complete day's energy, 0–1; null when that day used nothing. */
      shareOfDay: z.number().nullable(),
      /**
       * With a tariff: the base load through every minute of the last complete day, each minute at
       * the import price in force then, minor units; absent when some minute of it had no price.
       */
      dayCostMinor: z.number().int().optional(),
      /** Of that day's cost (its consumption at its prices), 0–1; null when it cost nothing or was not all priced. */
      shareOfDayCost: z.number().nullable().optional(),
    })
    .nullable(),
  /** The children using most this month so far (at most 5). */
  topConsumers: z.array(RankedChildSchema),
  /** The children whose use moved most: the last 7 complete days against the 7 before (at most 5). */
  topMovers: z.array(MoverSchema),
  /**
   * Rooms at or below the node by their energy in the last complete night, most first (at most 10);
   * with a tariff, by that night's cost where every room's is known.
   */
  nights: z.object({
    from: IsoTime,
    to: IsoTime,
    rooms: z.array(RankedChildSchema),
  }),
});
export type Insight = z.infer<typeof InsightSchema>;

// ---- anomaly rules -----------------------------------------------------------------------------

/** Anomaly rules staff read and tune (README "Anomaly rules"); each one that fires is an alert. */
export const RULE_KINDS = [
  'on-too-long',
  'night-above-base',
  'day-above-median',
  'power-ceiling',
  'silent',
  'climate-band',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

const HOUR_WORDS = 'an hour is a whole number from 0 to 23';
const LocalHour = z
  .number({ error: HOUR_WORDS })
  .int({ error: HOUR_WORDS })
  .min(0, { error: HOUR_WORDS })
  .max(23, { error: HOUR_WORDS });

/** Local hours (the site's zone) in which a rule raises nothing; from 22 to 7 runs across midnight. */
export const QuietHoursSchema = z
  .object({ fromHour: LocalHour, toHour: LocalHour })
  .strict()
  .refine((q) => q.fromHour !== q.toHour, {
    error: 'quiet hours from and to must differ (all day quiet is no rule: remove it instead)',
  });
export type QuietHours = z.infer<typeof QuietHoursSchema>;

const positive = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .gt(0, { error: `${what} must be more than 0` })
    .max(max, { error: `${what} must be at most ${max}` });
const quiet = { quiet: QuietHoursSchema.optional() };
const percentOf = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .min(0, { error: `${what} must be from 0 to 100` })
    .max(100, { error: `${what} must be from 0 to 100` });

const ClimateBandSchema = z
  .object({
    minC: z.number({ error: 'minC must be a number (°C)' }).optional(),
    maxC: z.number({ error: 'maxC must be a number (°C)' }).optional(),
    minPct: percentOf('minPct (% humidity)').optional(),
    maxPct: percentOf('maxPct (% humidity)').optional(),
    ...quiet,
  })
  .strict()
  .refine((b) => [b.minC, b.maxC, b.minPct, b.maxPct].some((v) => v !== undefined), {
    error: 'a climate band needs at least one of minC, maxC, minPct, maxPct',
  })
  .refine((b) => b.minC === undefined || b.maxC === undefined || b.minC < b.maxC, {
    error: 'minC must be below maxC',
  })
  .refine((b) => b.minPct === undefined || b.maxPct === undefined || b.minPct < b.maxPct, {
    error: 'minPct must be below maxPct',
  });

/** Each kind's figures. Unknown fields are refused: a typo must not pass as a rule that never fires. */
export const RULE_PARAMS = {
  /** A relay channel on for longer than `hours`. */
  'on-too-long': z.object({ hours: positive('hours', 24 * 31), ...quiet }).strict(),
  /** Last night's energy more than `percent` % above the median of the 14 nights before. */
  'night-above-base': z.object({ percent: positive('percent', 100_000), ...quiet }).strict(),
  /** A completed day's energy more than `percent` % above the median of the same weekday over 4 weeks. */
  'day-above-median': z.object({ percent: positive('percent', 100_000), ...quiet }).strict(),
  /** Live power above `watts`. */
  'power-ceiling': z.object({ watts: positive('watts', 100_000_000), ...quiet }).strict(),
  /** A device that has not reported for `minutes`. */
  silent: z
    .object({
      minutes: z
        .number({ error: 'minutes must be a number' })
        .int({ error: 'minutes must be a whole number' })
        .min(1, { error: 'minutes must be at least 1' })
        .max(43_200, { error: 'minutes must be at most 43200 (30 days)' }),
      ...quiet,
    })
    .strict(),
  /** A room's temperature (°C) or humidity (%) outside a band. */
  'climate-band': ClimateBandSchema,
} as const;
export type RuleParams<K extends RuleKind = RuleKind> = z.infer<(typeof RULE_PARAMS)[K]>;

/** A rule turned off at a node: what it would inherit stops here. */
export const RuleOffSchema = z.object({ off: z.literal(true) }).strict();
export type RuleOff = z.infer<typeof RuleOffSchema>;

/** The rule of one kind in force at a node, and where it comes from. */
export const EffectiveRuleSchema = z.object({
  kind: z.enum(RULE_KINDS),
  /** `own`: set on this node; `inherited`: set on `from`; `off`: none, or turned off on `from`. */
  source: z.enum(['own', 'inherited', 'off']),
  from: z.string().nullable(),
  /** The figures in force (null when off). */
  params: z.record(z.string(), z.unknown()).nullable(),
  /** This kind is judged at nodes like this one (a night at a room, a relay at a channel). */
  judgedHere: z.boolean(),
  /** It can be set on this node (a power ceiling is not passed down, a night has no channel). */
  settableHere: z.boolean(),
});
export type EffectiveRule = z.infer<typeof EffectiveRuleSchema>;

// ---- alerts ------------------------------------------------------------------------------------

export const ALERT_KINDS = [
  'device-offline',
  'device-online',
  'counter-reset',
  'message-rejected',
  'broker',
  'storage',
  'implausible-jump',
  'water-leak',
  /** The counting engine (the core's worker thread) was restarted after an error. */
  'engine',
  /** An anomaly rule fired (RULE_KINDS): `detail` names the rule, figure, threshold and range. */
  'anomaly',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** What a part of the core says happened; the alert book (core/alerts) turns it into an Alert. */
export const RaisedAlertSchema = z.object({
  id: z.string(),
  at: IsoTime,
  severity: z.enum(['info', 'warning', 'error']),
  kind: z.enum(ALERT_KINDS),
  message: z.string(),
  node: z.string().optional(),
  detail: z.unknown().optional(),
});
export type RaisedAlert = z.infer<typeof RaisedAlertSchema>;

/**
 * A stored alert, as the `alert` event and `alerts.query` carry it: one per fault and subject
 * (`key`), its repeats counted. `id` names this occurrence (acknowledge and clear take it); `at`
 * is the latest repeat. `message` is in words; `technical` is the detail behind it.
 */
export const AlertSchema = RaisedAlertSchema.extend({
  key: z.string(),
  count: z.number().int().min(1),
  firstAt: IsoTime,
  /** Where, as people say it: `Company / Office / Room / Device`; null when not about a device. */
  path: z.string().nullable(),
  technical: z.string(),
  ackedAt: IsoTime.nullable(),
  ackedBy: z.string().nullable(),
  clearedAt: IsoTime.nullable(),
  /**
   * When the fault ended by itself (a device back online ends its "went offline"); the alert stays
   * on the list, acknowledged or not, until cleared. Null while it lasts.
   */
  resolvedAt: IsoTime.nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;
const AlertId = z.string().min(1).max(40);

// ---- the command table -------------------------------------------------------------------------

const Empty = z.object({}).strict().default({});

// ---- who may do what, and what was done --------------------------------------------------------

/** `manager` may do everything; `desk` may look, export and acknowledge alerts. */
export const ROLES = ['manager', 'desk'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who sends a command: set by the adapter from its own session (the window, a bridge login),
 * never taken from the page. `session` keys the PIN elevation; `user` is a named account, if any.
 */
export const CallerSchema = z.object({
  via: z.enum(['ipc', 'web', 'local']),
  session: z.string().min(1).max(200),
  user: z.string().min(1).max(200).nullable(),
  /** The role a named sign-in gives (`[[server.users]]`); the manager PIN can only raise it. */
  grant: z.enum(ROLES).optional(),
});
export type Caller = z.infer<typeof CallerSchema>;

export const AccessStatusSchema = z.object({
  /** False: no manager PIN yet, so everyone may do everything (with a hint to set one). */
  isPinSet: z.boolean(),
  role: z.enum(ROLES),
  /** When the elevation to manager ends; null when not elevated (or no PIN). */
  until: IsoTime.nullable(),
  user: z.string().nullable(),
  /** How long an unlock lasts. */
  unlockMinutes: z.number().int().positive(),
});
export type AccessStatus = z.infer<typeof AccessStatusSchema>;

/** A manager PIN: 4 to 12 digits, typed on a front-desk keyboard. */
const Pin = z.string().regex(/^\d{4,12}$/, 'a PIN is 4 to 12 digits');

export const AUDIT_OUTCOMES = ['requested', 'confirmed', 'failed', 'denied', 'done'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: IsoTime,
  role: z.enum(ROLES),
  /** The named user, or which window or bridge session. */
  actor: z.string(),
  /** The command (`relay.set`, `site.assign`, `access.unlock`…). */
  action: z.string(),
  target: z.string().nullable(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  /** Why it failed or was refused, in words. */
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z
  .object({
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    action: z.string().min(1).max(100).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    /** A part of the actor's name. */
    actor: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(10_000).default(500),
  })
  .default({ limit: 500 });

/** `site.assign`'s path for "not in any room": energy counted from then on is Unassigned's. */
export const UNASSIGNED = 'unassigned';

export const commands = {
  'connection.test': {
    params: z.object({ profile: ConnectionProfileSchema }),
    value: ConnectionTestReportSchema,
  },
  'connection.save': {
    params: z.object({ profile: ConnectionProfileSchema, activate: z.boolean().default(true) }),
    value: z.object({ name: z.string() }),
  },
  /** Desktop only: a main-process file dialog for a PEM file (the web wizard reads files itself). */
  'connection.pickPem': {
    params: z.object({ kind: z.enum(['ca', 'cert', 'key']) }),
    value: z.object({ pem: z.string(), file: z.string(), summary: z.string() }).nullable(),
  },
  'connection.connect': {
    params: z.object({ name: z.string().min(1).optional() }).default({}),
    value: ConnectionStateSchema,
  },
  'connection.disconnect': { params: Empty, value: ConnectionStateSchema },
  'connection.status': { params: Empty, value: ConnectionStateSchema },
  /** The saved connections (settings), without secrets. */
  'connection.list': { params: Empty, value: z.object({ profiles: z.array(ConnectionSummarySchema) }) },
  /** Tests a saved connection as it is stored, secrets and certificates included. */
  'connection.testSaved': {
    params: z.object({ name: z.string().min(1) }),
    value: ConnectionTestReportSchema,
  },
  /** Forgets a saved connection with its secrets and certificates (a live connection stays up). */
  'connection.delete': {
    params: z.object({ name: z.string().min(1) }),
    value: z.object({ name: z.string() }),
  },
  /** Where the data lives and how much room it takes. */
  'storage.info': { params: Empty, value: StorageInfoSchema },
  /** The console's settings, with where each value comes from. */
  'settings.get': { params: Empty, value: SettingsSchema },
  /**
   * Changes settings; they apply at once and are kept in the data folder. A value set in
   * kilowatch.toml or by a flag is refused: the file wins, and is named.
   */
  'settings.set': {
    params: SettingsValuesSchema.partial()
      .strict()
      .refine((p) => Object.keys(p).length > 0, 'name at least one setting'),
    value: SettingsSchema,
  },
  /** The tariff in force and where it comes from (README "Cost"). */
  'tariff.get': { params: Empty, value: TariffSettingSchema },
  /**
   * Sets the tariff from the settings screen (null: none), in force from now: energy already
   * counted keeps the prices it was counted at. Refused while kilowatch.toml has a `[tariff]`.
   */
  'tariff.set': {
    params: z.object({ tariff: TariffInputSchema.nullable() }).strict(),
    value: TariffSettingSchema,
  },
  /** Recomputes hour…month history from the kept minutes (`rollup --rebuild`), with progress events. */
  'history.rebuild': { params: Empty, value: RebuildReportSchema },
  /**
   * `totals: false` leaves `totals` empty: the console asks `totals.get` beside it, so that a large
   * site's tree is read, checked and drawn before its numbers are (they are 43 % of the bytes).
   * `devices: n` keeps every place but only the first n devices in the tree's order (by place,
   * then name), and says how many it left out: a first screenful, drawn while the whole tree is
   * still on its way.
   */
  'site.tree': {
    params: z
      .object({ totals: z.boolean().optional(), devices: z.number().int().nonnegative().optional() })
      .strict()
      .default({}),
    value: SiteTreeSchema,
  },
  /**
   * Every node's totals, as site.tree carries them; `totals.live` keeps them current. `seq` is the
   * last push's: these are what that push left, so a node a later push (higher `seq`) carried is
   * newer than its entry here, whichever of the two reaches a console first.
   */
  'totals.get': {
    params: Empty,
    value: z.object({ totals: z.array(NodeTotalsSchema), seq: LiveSeq }),
  },
  /** What answers at an address: a Shelly's identity and MQTT settings, read over local HTTP. */
  'device.probe': {
    params: z.object({ address: DeviceAddress, login: DeviceLoginSchema.optional() }),
    value: ShellyFoundSchema,
  },
  /** The Shellys answering on a LAN (`192.168.1.0/24`), at one port. */
  'device.scan': {
    params: z.object({
      network: z.string().trim().regex(SCAN_NETWORK_PATTERN, 'a network such as 192.168.1.0/24 (/22 to /32)'),
      port: z.number().int().min(1).max(65_535).default(80),
    }),
    value: z.object({ scanned: z.number().int().nonnegative(), found: z.array(ShellyFoundSchema) }),
  },
  /**
   * Puts a Shelly on the site's broker under a place: Gen2+ `MQTT.SetConfig` with the place's
   * topic prefix, Gen1 `/settings?mqtt_…` and an assignment; then a restart.
   */
  'device.commission': { params: CommissionParamsSchema, value: CommissionReportSchema },
  'site.assign': {
    params: z
      .object({
        device: NodeId,
        /** Company, office, room; or `'unassigned'` to take the device back out of every room. */
        path: z.union([z.tuple([PlaceName, PlaceName, PlaceName]), z.literal(UNASSIGNED)]),
        /** The device's name in that room; defaults to its current name. */
        name: PlaceName.optional(),
      })
      .refine((p) => p.path !== UNASSIGNED || p.name === undefined, {
        path: ['name'],
        message: 'a name is given only with a room: Unassigned devices keep their own',
      }),
    /** `path` is empty for a device sent back to Unassigned. */
    value: z.object({ device: z.string(), path: z.array(z.string()) }),
  },
  'site.rename': {
    params: z.object({ node: NodeId, name: PlaceName }),
    value: z.object({ node: z.string(), name: z.string() }),
  },
  'relay.set': {
    params: z.object({
      channel: NodeId,
      on: z.boolean(),
      timeoutMs: z.number().int().min(100).max(60_000).default(8000),
    }),
    value: z.object({ channel: z.string(), on: z.boolean() }),
  },
  /** Moves a cover; done when the device's status shows the movement (or the stop). */
  'cover.set': {
    params: z
      .object({
        channel: NodeId,
        action: z.enum(COVER_ACTIONS),
        /** 0 = closed … 100 = open; only with `action: 'position'`. */
        position: z.number().int().min(0).max(100).optional(),
        timeoutMs: z.number().int().min(100).max(60_000).default(8000),
      })
      .refine((p) => (p.action === 'position') === (p.position !== undefined), {
        path: ['position'],
        message: "a position (0–100) is needed with action 'position', and only with it",
      }),
    value: z.object({ channel: z.string(), action: z.enum(COVER_ACTIONS), cover: CoverStatusSchema }),
  },
  'history.query': { params: HistoryQuerySchema, value: HistoryResultSchema },
  'report.csv': {
    params: HistoryQuerySchema.extend({
      perChild: z.boolean().default(false),
      /** Rows per device category (a company, office, room or Unassigned; hours and above). */
      perCategory: z.boolean().optional(),
      /** Times in the site's zone (named in the header) or in UTC. */
      zone: z.enum(REPORT_ZONES).default('local'),
    }),
    value: z.object({
      filename: z.string(),
      csv: z.string(),
      /** Interval rows, the totals row left out: 0 means the period has no data. */
      rows: z.number().int().nonnegative(),
    }),
  },
  'report.summary': { params: HistoryQuerySchema, value: ReportSummarySchema },
  /** What a node's history says: today and this month compared, base load, top consumers and movers, nights. */
  'insight.get': { params: z.object({ node: NodeId }), value: InsightSchema },
  'ledger.query': {
    params: z.object({
      node: NodeId,
      from: IsoTime.optional(),
      to: IsoTime.optional(),
      limit: z.number().int().min(1).max(10_000).default(500),
    }),
    value: z.object({ entries: z.array(LedgerEntrySchema) }),
  },
  'stats.get': { params: Empty, value: StatsSchema },
  /** The figures GET /metrics formats for Prometheus (headless bridge). */
  'metrics.snapshot': {
    params: z
      .object({
        /**
         * Channels' energy and power too: a series per relay and meter phase, four times the
         * places' and devices' on a large site, so only when asked (`/metrics?channels=1`).
         */
        channels: z.boolean().default(false),
      })
      .strict()
      .default({ channels: false }),
    value: MetricsSnapshotSchema,
  },
  /** Marks a meter (device or channel) as a load, the main meter of a place, or generation. */
  'meter.role': {
    params: z
      .object({
        meter: NodeId,
        role: z.enum(METER_ROLES),
        scope: z.enum(MAIN_SCOPES).optional(),
      })
      .refine((p) => (p.role === 'main') === (p.scope !== undefined), {
        message: 'scope (room, office or company) is required for a main meter and only for one',
        path: ['scope'],
      }),
    value: z.object({ meter: z.string(), role: MeterRoleInfoSchema }),
  },
  /** Sets a device's category (null: back to what its model says, else `other`). */
  'device.category': {
    params: z.object({ device: NodeId, category: z.enum(DEVICE_CATEGORIES).nullable() }).strict(),
    value: z.object({ device: z.string(), category: DeviceCategoryInfoSchema }),
  },
  /** A company's, office's or room's energy (and cost) per device category; hours and above. */
  'categories.breakdown': {
    params: z.object({ node: NodeId, from: IsoTime, to: IsoTime }).strict(),
    value: CategoryBreakdownSchema,
  },
  /** The anomaly rules in force at a node, one per kind, each with where it comes from. */
  'rules.get': {
    params: z.object({ node: NodeId }),
    value: z.object({ node: z.string(), rules: z.array(EffectiveRuleSchema) }),
  },
  /** Sets a node's own rule of a kind (`{ off: true }` stops an inherited one); null removes it. */
  'rules.set': {
    params: z
      .object({ node: NodeId, kind: z.enum(RULE_KINDS), params: z.unknown() })
      .superRefine((p, ctx) => {
        if (p.params === null) return;
        if (p.params === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['params'],
            message: 'the rule’s figures, or null to remove it',
          });
          return;
        }
        if (RuleOffSchema.safeParse(p.params).success) return;
        const checked = RULE_PARAMS[p.kind].safeParse(p.params);
        if (checked.success) return;
        for (const issue of checked.error.issues)
          ctx.addIssue({
            code: 'custom',
            path: ['params', ...issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k))],
            message:
              issue.code === 'unrecognized_keys'
                ? `${p.kind} has no ${issue.keys.join(', ')}`
                : issue.message,
          });
      }),
    value: EffectiveRuleSchema,
  },
  /** Stored alerts, newest first; cleared ones only when asked. */
  'alerts.query': {
    params: z
      .object({
        kinds: z.array(z.enum(ALERT_KINDS)).min(1).optional(),
        includeCleared: z.boolean().default(false),
        limit: z.number().int().min(1).max(1000).default(500),
      })
      .default({ includeCleared: false, limit: 500 }),
    value: z.object({ alerts: z.array(AlertSchema) }),
  },
  /** Marks an occurrence as seen, by whoever asks (the user, or which window or browser). */
  'alerts.ack': { params: z.object({ id: AlertId }), value: AlertSchema },
  /** Takes an occurrence off the list; the same fault again raises a new one. */
  'alerts.clear': { params: z.object({ id: AlertId }), value: AlertSchema },
  /**
   * A zip for support: logs, versions, the configuration with every secret taken out, the schema
   * version, stats and the last alerts. Small enough to travel as one reply (logs are rotated).
   */
  'diagnostics.export': {
    params: Empty,
    value: z.object({
      fileName: z.string(),
      bytes: z.number().int().nonnegative(),
      zipBase64: z.string(),
    }),
  },
  /** The caller's role, and whether a manager PIN guards the console. */
  'access.status': { params: Empty, value: AccessStatusSchema },
  /** Manager for `unlockMinutes` with the PIN; wrong PINs are counted and slowed down. */
  'access.unlock': { params: z.object({ pin: Pin }), value: AccessStatusSchema },
  /** Back to desk now. */
  'access.lock': { params: Empty, value: AccessStatusSchema },
  /**
   * Sets the manager PIN (anyone may while none is set), changes it or removes it (`pin: null`;
   * a manager with the current PIN).
   */
  'access.setPin': {
    params: z.object({ current: Pin.optional(), pin: Pin.nullable() }),
    value: AccessStatusSchema,
  },
  /** The audit trail, newest first. It is never edited: there is no command to. */
  'audit.query': { params: AuditQuerySchema, value: z.object({ entries: z.array(AuditEntrySchema) }) },
  /** The same entries as a CSV file. */
  'audit.csv': { params: AuditQuerySchema, value: z.object({ fileName: z.string(), csv: z.string() }) },
  /** Clears every open alert (of these kinds); says how many. */
  'alerts.clearAll': {
    params: z.object({ kinds: z.array(z.enum(ALERT_KINDS)).min(1).optional() }).default({}),
    value: z.object({ cleared: z.number().int().nonnegative() }),
  },
} as const;

export type CommandName = keyof typeof commands;
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];

/**
 * What only a manager may do once a PIN is set: switch power, change the site's set-up or the
 * connection, take alerts off the list. Everything else (looking, exporting, acknowledging) is
 * the desk's too.
 */
export const MANAGER_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  'connection.test',
  'connection.testSaved',
  'connection.save',
  'connection.delete',
  'connection.pickPem',
  'connection.connect',
  'connection.disconnect',
  'site.assign',
  'site.rename',
  'relay.set',
  'cover.set',
  'meter.role',
  'device.category',
  'rules.set',
  'alerts.clear',
  'alerts.clearAll',
  'settings.set',
  'tariff.set',
  'history.rebuild',
  'device.probe',
  'device.scan',
  'device.commission',
]);
export type CommandParams<C extends CommandName> = z.input<(typeof commands)[C]['params']>;
export type ParsedParams<C extends CommandName> = z.output<(typeof commands)[C]['params']>;
export type CommandValue<C extends CommandName> = z.output<(typeof commands)[C]['value']>;
export type CommandReply<C extends CommandName> = Result<CommandValue<C>, ApiError>;

export const isCommandName = (name: string): name is CommandName =>
  Object.prototype.hasOwnProperty.call(commands, name);

// ---- the event table ---------------------------------------------------------------------------

export const DeviceInfoSchema = z.object({
  id: z.string(),
  model: z.string().nullable(),
  generation: z.number().int(),
  name: z.string(),
  channels: z.array(z.string()),
  online: z.boolean().nullable(),
  lastSeen: IsoTime.nullable(),
  path: z.array(z.string()).nullable(),
});
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;

export const events = {
  'connection.state': ConnectionStateSchema,
  /** `seq` grows by one per push, and keeps growing across an engine restart. */
  'totals.live': z.object({ ts: IsoTime, seq: LiveSeq, nodes: z.array(NodeTotalsSchema) }),
  'device.discovered': DeviceInfoSchema,
  'device.state': z.object({
    id: z.string(),
    online: z.boolean().nullable(),
    lastSeen: IsoTime.nullable(),
    outputs: z.record(z.string(), z.boolean()),
    /** Covers' state and position, by component (`cover:0`); absent on a device without one. */
    covers: z.record(z.string(), CoverStatusSchema).optional(),
  }),
  alert: AlertSchema,
  'sensor.reading': SensorSchema,
  /** Settings changed (by any window or browser): every console applies them. */
  'settings.changed': SettingsSchema,
  /** The tariff was set or removed (by any window or browser): what tariff.get now answers. */
  'tariff.changed': TariffSettingSchema,
  'history.rebuild': RebuildProgressSchema,
} as const;

export type EventName = keyof typeof events;
export const EVENT_NAMES = Object.keys(events) as EventName[];
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;
export const isEventName = (name: string): name is EventName =>
  Object.prototype.hasOwnProperty.call(events, name);

/** An event as it travels over the WebSocket bridge or an IPC push. */
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

/**
 * What the renderer talks to. renderer/api/ipc.ts (over the preload's KilowatchBridge) and
 * renderer/api/web.ts (HTTP + WebSocket) both implement it; renderer code cannot tell which one it
 * has.
 */
export interface KilowatchApi {
  invoke<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandReply<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/**
 * What the Electron preload exposes as `window.kilowatch`. Events come as the very frames the
 * bridge's WebSocket carries (an EventMessage as JSON text): the main thread relays the bytes the
 * core's worker encoded without parsing them (a burst's `totals.live` is hundreds of kB, four
 * times a second), and the renderer checks each frame as it checks the WebSocket's. Both are
 * `unknown` here because they are checked where they arrive (renderer/api/validate.ts).
 */
export interface KilowatchBridge {
  invoke(command: CommandName, params: unknown): Promise<unknown>;
  onFrame(listener: (frame: unknown) => void): () => void;
}

/** Turns a zod failure into the contract's `invalid-params` error, naming the first bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'params'}: ${issue.message}`)
    .join('; ');
}
