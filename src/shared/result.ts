/**
 * Expected failures travel as values, never as exceptions, so every process boundary can
 * serialise them. `throw` is reserved for bugs; the boundary adapters turn a thrown error into
 * `internal`.
 */
export type Result<T, E = ApiError> = { ok: true; value: T } | { ok: false; error: E };

/** The closed set of error codes the contract documents (README "Error codes"). */
export const ERROR_CODES = [
  'invalid-params',
  'broker-unreachable',
  'auth-rejected',
  'not-authorized',
  'forbidden',
  'tls-untrusted',
  'payload-malformed',
  'topic-rejected',
  'disk-full',
  'storage-corrupt',
  'storage-unavailable',
  'not-found',
  'timeout',
  /** A Shelly on the LAN did not answer, or what answered is not a Shelly. */
  'device-unreachable',
  /** A Shelly answered but refused the change. */
  'device-refused',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  detail?: unknown;
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string, detail?: unknown): Result<never, ApiError> => ({
  ok: false,
  error: detail === undefined ? { code, message } : { code, message, detail },
});
