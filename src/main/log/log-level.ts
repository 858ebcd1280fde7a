/** Which level the logs are written at: KILOWATCH_LOG_LEVEL wins over `[logging] level`. */
import { LOG_LEVELS, type LogLevel } from '../core/config';
import { err, ok, type ApiError, type Result } from '../../shared/result';

const isLogLevel = (value: string): value is LogLevel => (LOG_LEVELS as readonly string[]).includes(value);

export function resolveLogLevel(
  configured: LogLevel,
  env: NodeJS.ProcessEnv = process.env,
): Result<LogLevel, ApiError> {
  const fromEnv = env.KILOWATCH_LOG_LEVEL;
  if (fromEnv === undefined || fromEnv === '') return ok(configured);
  const level = fromEnv.trim().toLowerCase();
  if (isLogLevel(level)) return ok(level);
  return err(
    'invalid-params',
    `KILOWATCH_LOG_LEVEL is "${fromEnv}"; use one of ${LOG_LEVELS.join(', ')} (or leave it unset for [logging] level, default info).`,
  );
}
