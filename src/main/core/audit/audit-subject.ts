/**
 * What an audited command is about, in the words of the audit trail: its target and the state
 * before and after, read from what the console knows just before the command runs. Passwords
 * never appear: a connection is named by its profile name and its URL without credentials.
 */
import {
  SETTING_KEYS,
  UNASSIGNED,
  type CommandName,
  type SettingKey,
  type SettingsValues,
  type ConnectionProfile,
  type ParsedParams,
  type RuleKind,
} from '../../../shared/contract';
import { safeBrokerUrl } from '../broker/options';
import type { Device, SiteRegistry } from '../site/registry';

export interface Subject {
  target: string | null;
  before: string | null;
  after: string | null;
}

export interface SubjectDeps {
  registry: SiteRegistry;
  profile(): ConnectionProfile | null;
  /** The settings in force, for a settings change's "before". */
  settings(): SettingsValues;
  /** A node's own anomaly rule of a kind as text (null: none), for rules.set's "before". */
  rule?(node: string, kind: RuleKind): string | null;
}

/** `publishIntervalS=15, timeZone=Europe/Lisbon`: the named settings, in a stable order. */
const settingsText = (values: Partial<SettingsValues>, keys: readonly SettingKey[]): string =>
  keys.map((k) => `${k}=${String(values[k])}`).join(', ');

const NOTHING: Subject = { target: null, before: null, after: null };

function channelOf(registry: SiteRegistry, ref: string): { device: Device; component: string } | null {
  const m = /^channel:(.+)\|([^|]+)$/.exec(ref);
  const device = m ? registry.find(m[1] as string) : undefined;
  return m && device ? { device, component: m[2] as string } : null;
}

function placeOf(device: Device | undefined): string {
  if (!device) return 'not seen yet';
  if (!('place' in device.placement)) return 'unassigned';
  const { company, office, room } = device.placement.place;
  return [company, office, room].join(' / ');
}

const described = (profile: ConnectionProfile | null): string | null =>
  profile ? `${profile.name} (${safeBrokerUrl(profile.url)})` : null;

/** The subject of `command` with these (validated) params; NOTHING for commands not audited. */
export function subjectOf<C extends CommandName>(
  command: C,
  params: ParsedParams<C>,
  deps: SubjectDeps,
): Subject {
  const { registry } = deps;
  switch (command) {
    case 'relay.set': {
      const p = params as ParsedParams<'relay.set'>;
      const on = channelOf(registry, p.channel);
      const was = on ? on.device.outputs.get(on.component) : undefined;
      return {
        target: p.channel,
        before: was === undefined ? 'unknown' : was ? 'on' : 'off',
        after: p.on ? 'on' : 'off',
      };
    }
    case 'cover.set': {
      const p = params as ParsedParams<'cover.set'>;
      const on = channelOf(registry, p.channel);
      const cover = on?.device.covers.get(on.component);
      const before = cover?.state
        ? `${cover.state}${cover.positionPct === null ? '' : ` at ${cover.positionPct} %`}`
        : 'unknown';
      return { target: p.channel, before, after: p.action === 'position' ? `to ${p.position} %` : p.action };
    }
    case 'site.assign': {
      const p = params as ParsedParams<'site.assign'>;
      const after =
        p.path === UNASSIGNED ? 'unassigned' : [...p.path, ...(p.name ? [p.name] : [])].join(' / ');
      return { target: p.device, before: placeOf(registry.find(p.device)), after };
    }
    case 'site.rename': {
      const p = params as ParsedParams<'site.rename'>;
      const device = p.node.startsWith('device:') ? registry.find(p.node) : undefined;
      const channel = p.node.startsWith('channel:') ? channelOf(registry, p.node) : null;
      const before =
        registry.names.get(p.node) ??
        (device
          ? registry.displayName(device)
          : channel
            ? registry.channelName(channel.device, channel.component)
            : null);
      return { target: p.node, before, after: p.name };
    }
    case 'meter.role': {
      const p = params as ParsedParams<'meter.role'>;
      return { target: p.meter, before: null, after: p.scope ? `${p.role} of the ${p.scope}` : p.role };
    }
    case 'tariff.set': {
      const p = params as ParsedParams<'tariff.set'>;
      const periods = p.tariff?.periods.map((period) => period.from).join(', ');
      return {
        target: 'tariff',
        before: null,
        after: p.tariff ? `${p.tariff.currency}, periods from ${periods}` : 'none',
      };
    }
    case 'device.category': {
      const p = params as ParsedParams<'device.category'>;
      return { target: p.device, before: null, after: p.category ?? 'as its model says' };
    }
    case 'rules.set': {
      const p = params as ParsedParams<'rules.set'>;
      return {
        target: `${p.kind} of ${p.node}`,
        before: deps.rule?.(p.node, p.kind) ?? 'none of its own',
        after: p.params === null ? 'none of its own' : JSON.stringify(p.params),
      };
    }
    case 'connection.save': {
      const p = params as ParsedParams<'connection.save'>;
      return { target: p.profile.name, before: described(deps.profile()), after: described(p.profile) };
    }
    case 'connection.test': {
      const p = params as ParsedParams<'connection.test'>;
      return { target: p.profile.name, before: null, after: described(p.profile) };
    }
    case 'connection.connect': {
      const p = params as ParsedParams<'connection.connect'>;
      return {
        target: p.name ?? null,
        before: described(deps.profile()),
        after: p.name ?? 'the active connection',
      };
    }
    case 'connection.disconnect':
      return { target: null, before: described(deps.profile()), after: 'disconnected' };
    case 'connection.testSaved':
    case 'connection.delete': {
      const p = params as ParsedParams<'connection.delete'>;
      return { target: p.name, before: null, after: command === 'connection.delete' ? 'deleted' : null };
    }
    case 'connection.pickPem': {
      const p = params as ParsedParams<'connection.pickPem'>;
      return { target: p.kind, before: null, after: null };
    }
    case 'alerts.clear': {
      const p = params as ParsedParams<'alerts.clear'>;
      return { target: p.id, before: null, after: 'cleared' };
    }
    case 'alerts.clearAll': {
      const p = params as ParsedParams<'alerts.clearAll'>;
      return { target: p.kinds ? p.kinds.join(', ') : 'every kind', before: null, after: 'cleared' };
    }
    case 'settings.set': {
      const p = params as ParsedParams<'settings.set'>;
      const keys = SETTING_KEYS.filter((k) => p[k] !== undefined);
      return {
        target: keys.join(', '),
        before: settingsText(deps.settings(), keys),
        after: settingsText(p, keys),
      };
    }
    case 'device.probe':
    case 'device.scan': {
      const p = params as ParsedParams<'device.probe'> & ParsedParams<'device.scan'>;
      return {
        target: command === 'device.scan' ? `${p.network} port ${p.port}` : p.address,
        before: null,
        after: null,
      };
    }
    case 'device.commission': {
      // The device's and the broker's passwords stay out: only who logs in, and where.
      const p = params as ParsedParams<'device.commission'>;
      const user = p.mqtt.user ? ` as ${p.mqtt.user}` : '';
      return {
        target: p.address,
        before: null,
        after: `MQTT ${p.mqtt.server}${user} (TLS ${p.mqtt.tls}), in ${[...p.path, p.name].join(' › ')}`,
      };
    }
    case 'history.rebuild':
      return { target: 'hour, day, week and month history', before: null, after: 'rebuilt from minutes' };
    default:
      return NOTHING;
  }
}
