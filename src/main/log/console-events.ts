/**
 * What the log says about the core's life, taken from the events it sends the windows: the
 * broker connection's changes and failures (info, warn), alerts (at their severity) and, for
 * debugging, each device discovered. Only those frames are decoded: the many others (live
 * totals, device states) are passed by on the event name, as the bridge passes them.
 */
import type { Logger as PinoLogger } from 'pino';
import type { Alert, ConnectionState, DeviceInfo, EventName } from '../../shared/contract';
import type { ConsoleApi } from '../core/console-api';

const decoder = new TextDecoder();
const LOGGED: ReadonlySet<EventName> = new Set(['connection.state', 'alert', 'device.discovered']);

/** Logs the core's connection changes, alerts and discoveries until the returned call. */
export function logConsoleEvents(core: Pick<ConsoleApi, 'onEncoded'>, logger: PinoLogger): () => void {
  let lastConnection = '';
  const onConnection = (state: ConnectionState): void => {
    // A state is sent for each step (subscribed, a retry's time): one line per real change.
    const said = [state.status, state.broker, state.subscribed, state.lastError?.message].join('|');
    if (said === lastConnection) return;
    lastConnection = said;
    const fields = {
      broker: state.broker,
      status: state.status,
      subscribed: state.subscribed,
      ...(state.lastError && { problem: state.lastError.code, nextRetryAt: state.nextRetryAt }),
    };
    if (state.lastError)
      return logger.warn(fields, `broker ${state.broker ?? '(none)'}: ${state.lastError.message}`);
    const subscribed = state.status === 'connected' && state.subscribed ? ', subscribed' : '';
    logger.info(fields, `broker ${state.broker ?? '(none)'}: ${state.status}${subscribed}`);
  };
  const onAlert = (alert: Alert): void => {
    // The same alert comes again when someone acknowledges or clears it: logged once, raised.
    if (alert.ackedAt !== null || alert.clearedAt !== null) return;
    const fields = { alert: alert.kind, key: alert.key, count: alert.count, path: alert.path };
    const level = alert.severity === 'error' ? 'error' : alert.severity === 'warning' ? 'warn' : 'info';
    logger[level](fields, `alert: ${alert.message}`);
  };
  return core.onEncoded((frame, event) => {
    if (!LOGGED.has(event)) return;
    // Thousands at start on a big site: not even decoded unless someone reads debug lines.
    if (event === 'device.discovered' && !logger.isLevelEnabled('debug')) return;
    const { payload } = JSON.parse(decoder.decode(frame)) as { payload: unknown };
    if (event === 'connection.state') onConnection(payload as ConnectionState);
    else if (event === 'alert') onAlert(payload as Alert);
    else {
      const device = payload as DeviceInfo;
      logger.debug(
        { device: device.id, model: device.model, generation: device.generation, path: device.path },
        `discovered ${device.id}${device.path ? ` at ${device.path.join(' / ')}` : ''}`,
      );
    }
  });
}
