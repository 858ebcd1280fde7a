/**
 * Events as the core's parts emit them. Everything is the contract's payload except alerts: a part
 * says what happened (RaisedAlert), and the alert book stores it and sends the stored Alert.
 */
import type { EventName, EventPayload, RaisedAlert } from '../../../shared/contract';

export type CoreEventPayload<E extends EventName> = E extends 'alert' ? RaisedAlert : EventPayload<E>;
