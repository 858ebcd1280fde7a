/**
 * What happened in the core, as typed domain events into one sink. Ingest only says what it saw;
 * whoever cares (the alert book, pending relay commands, state and config queries, live totals,
 * the windows) subscribes here, so ingest knows none of them.
 */
import type { EventPayload, RaisedAlert, Sensor } from '../../shared/contract';
import type { Device } from './site/registry';

export interface DomainEvents {
  /** First accepted message of a device, or it first has a channel or output to show. */
  'device.discovered': { device: Device; payload: EventPayload<'device.discovered'> };
  /** Online state, an output or a cover changed. */
  'device.state': { device: Device; payload: EventPayload<'device.state'> };
  /** A sensor's reading changed (the device's own, or a BTHome sensor through a gateway). */
  'sensor.reading': { sensor: Sensor };
  /** Something people must hear of; the alert book stores and counts it. */
  alert: { alert: RaisedAlert };
  /** A device answered an RPC request (a relay or cover command, a query). */
  'rpc.reply': {
    deviceKey: string;
    requestId: number | string | null;
    error?: { code: number; message: string };
  };
  /** A gateway reported a BTHome component (or a thermostat a number) that needs its config. */
  'component.unknown': { device: Device };
  /** A device said its configuration changed. */
  'config.changed': { device: Device };
  /** A message was applied: counted energy, power or electrical values may have changed. */
  'device.read': { device: Device };
}

export type DomainEventName = keyof DomainEvents;
export type DomainListener<E extends DomainEventName> = (event: DomainEvents[E]) => void;

type Listeners = { [E in DomainEventName]: Array<DomainListener<E>> };

export class DomainEventSink {
  private readonly listeners: Listeners = {
    'device.discovered': [],
    'device.state': [],
    'sensor.reading': [],
    alert: [],
    'rpc.reply': [],
    'component.unknown': [],
    'config.changed': [],
    'device.read': [],
  };

  /** Listeners run in the order they subscribed, synchronously, inside `emit`. */
  on<E extends DomainEventName>(name: E, listener: DomainListener<E>): () => void {
    const list = this.listeners[name];
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<E extends DomainEventName>(name: E, event: DomainEvents[E]): void {
    for (const listener of this.listeners[name]) listener(event);
  }
}
