import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Sensor } from '../../../shared/contract';
import { formatAgo, formatDateTime, formatPercent, formatTemperature } from '../format';
import { t } from '../i18n/words';
import { useTree } from '../state/tree';
import { useNow } from '../use-now';

/** The sensors whose gateway sits in a room. */
function useRoomSensors(roomId: string): Sensor[] {
  const sensors = useTree(
    useShallow((s) => Object.values(s.sensors).filter((sensor) => sensor.room === roomId)),
  );
  return useMemo(
    () => [...sensors].sort((a, b) => (a.name ?? a.address).localeCompare(b.name ?? b.address)),
    [sensors],
  );
}

/** Temperature and humidity in a room row, from its first sensor. */
export function SensorBadge({ roomId }: { roomId: string }) {
  const sensors = useRoomSensors(roomId);
  const first = sensors.find((s) => s.temperatureC !== null || s.humidityPct !== null);
  if (!first) return null;
  return (
    <span className="sensor-badge" data-testid="sensor-badge" title={first.name ?? first.address}>
      {first.temperatureC !== null && <span>{formatTemperature(first.temperatureC)}</span>}
      {first.humidityPct !== null && <span>{formatPercent(first.humidityPct)}</span>}
    </span>
  );
}

/** A device's own sensor (thermostat, Presence, Wall Display), wherever the device sits. */
function useDeviceSensors(deviceId: string): Sensor[] {
  return useTree(useShallow((s) => Object.values(s.sensors).filter((sensor) => sensor.device === deviceId)));
}

/** Every sensor of a room, for the details panel. */
export function RoomSensors({ roomId }: { roomId: string }) {
  return <SensorList sensors={useRoomSensors(roomId)} />;
}

/** What a device's own sensors read, for its details panel (an unassigned one has no room). */
export function DeviceSensors({ deviceId }: { deviceId: string }) {
  return <SensorList sensors={useDeviceSensors(deviceId)} />;
}

function SensorList({ sensors }: { sensors: Sensor[] }) {
  const now = useNow();
  if (sensors.length === 0) return null;
  return (
    <section className="panel-block" aria-label={t('details.sensors.region')}>
      <h3>{t('details.sensors.title')}</h3>
      <ul className="sensor-list">
        {sensors.map((sensor) => (
          <li key={sensor.address} className="sensor" data-testid="sensor" data-address={sensor.address}>
            <span className="sensor-name">{sensor.name ?? sensor.address}</span>
            <span className="sensor-figure" data-testid="sensor-temperature">
              {sensor.temperatureC !== null ? formatTemperature(sensor.temperatureC) : '—'}
            </span>
            <span className="sensor-figure" data-testid="sensor-humidity">
              {sensor.humidityPct !== null ? formatPercent(sensor.humidityPct) : '—'}
            </span>
            {typeof sensor.illuminanceLux === 'number' && (
              <span className="sensor-figure" data-testid="sensor-illuminance">
                {`${Math.round(sensor.illuminanceLux)} lx`}
              </span>
            )}
            {typeof sensor.occupied === 'boolean' && (
              <span className="sensor-figure" data-testid="sensor-presence">
                {sensor.occupied ? t('details.sensors.occupied') : t('details.sensors.empty')}
              </span>
            )}
            <span className="muted sensor-meta">
              {sensor.batteryPct !== null &&
                t('details.sensors.battery', { pct: formatPercent(sensor.batteryPct) })}
              {sensor.lastUpdated && (
                <span title={formatDateTime(sensor.lastUpdated)}>
                  {' '}
                  · {formatAgo(sensor.lastUpdated, now)}
                </span>
              )}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
