/**
 * The broker at start-up. A mistake in the configuration (a URL that is no URL, a file that
 * cannot be read) ends the process: retrying would change nothing. A broker that cannot be
 * reached does not: it may be down, refused, behind a dead route or DNS, slow with TLS, or
 * refusing credentials or a certificate that a person fixes in the wizard. Meanwhile the console
 * serves its history and keeps retrying with backoff.
 */
import type { ApiError } from '../../shared/result';

const CONFIGURATION_MISTAKES = new Set<ApiError['code']>([
  'invalid-params',
  'storage-unavailable',
  'storage-corrupt',
  'internal',
]);

export const isConfigurationMistake = (e: ApiError): boolean => CONFIGURATION_MISTAKES.has(e.code);

/**
 * How long start-up waits for the first attempt's outcome before serving anyway. Refusals and
 * DNS answer in milliseconds; a host that swallows packets would hold start-up for the whole
 * connect timeout (10 s).
 */
export const FIRST_OUTCOME_MS = 3_000;

/**
 * Resolves with a configuration mistake to end on, or null to carry on. A broker that cannot be
 * reached is said in one line through `say`, when the first attempt gives up (also after
 * `graceMs`, while the console is already serving).
 */
export function brokerAtStart(
  connecting: Promise<ApiError | null>,
  say: (line: string) => void,
  graceMs = FIRST_OUTCOME_MS,
): Promise<ApiError | null> {
  return new Promise((resolve) => {
    let isServing = false;
    const timer = setTimeout(() => {
      isServing = true;
      resolve(null);
    }, graceMs);
    void connecting.then((failure) => {
      clearTimeout(timer);
      if (failure && isConfigurationMistake(failure) && !isServing) return resolve(failure);
      if (failure) {
        const what =
          failure.code === 'broker-unreachable' || failure.code === 'timeout' ? 'unreachable' : 'refused';
        say(
          `broker ${what}: ${failure.message} Kilowatch keeps retrying in the background; the console is up meanwhile.`,
        );
      }
      resolve(null);
    });
  });
}
