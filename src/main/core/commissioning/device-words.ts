/**
 * What went wrong talking to a Shelly on the LAN, in the words a manager at the front desk reads
 * in the "Add a Shelly" dialog. One table, so probe, scan and commission say the same thing.
 */
import type { GetFailure } from '../device-http/http-get';
import { err, type ApiError, type Result } from '../../../shared/result';

export function deviceFailure(address: string, failure: GetFailure, user: string): Result<never, ApiError> {
  switch (failure.kind) {
    case 'auth':
      return failure.hadCredentials
        ? err(
            'auth-rejected',
            `The Shelly at ${address} refused the password for the user "${user}" (HTTP ${failure.status}). ` +
              'Passwords are case-sensitive; it is the one set in the Shelly app under Settings › Authentication.',
            { address, status: failure.status },
          )
        : err('auth-rejected', `The Shelly at ${address} is protected by a password: enter it to go on.`, {
            address,
            status: failure.status,
            passwordNeeded: true,
          });
    case 'timeout':
      return err(
        'device-unreachable',
        `Nothing answered at ${address} in time. Check the address, that the device is powered, and that this ` +
          "computer is on the device's network.",
        { address },
      );
    case 'unreachable':
      return err(
        'device-unreachable',
        `Nothing answers at ${address} (${failure.detail}). Check the address, that the device is powered, and ` +
          "that this computer is on the device's network.",
        { address, cause: failure.detail },
      );
    case 'http':
      return failure.status === 404
        ? err('device-unreachable', `Something answers at ${address}, but not as a Shelly (HTTP 404).`, {
            address,
          })
        : err(
            'device-refused',
            `The Shelly at ${address} answered HTTP ${failure.status}: ${rpcMessage(failure.detail)}`,
            {
              address,
              status: failure.status,
            },
          );
    case 'not-json':
      return err(
        'device-unreachable',
        `Something answers at ${address}, but not as a Shelly (${failure.detail}).`,
        {
          address,
        },
      );
  }
}

/** A Gen2+ RPC error body `{"code": -103, "message": "…"}`, or the text as it came. */
function rpcMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: Gen1 answers errors as plain text, which is shown as it came.
  }
  return body.trim().slice(0, 200) || 'no reason given';
}
