/**
 * When the desktop app cannot start, the person who double-clicked it sees why and what to do in
 * a dialog; a log line alone is invisible to anyone not running it from a terminal.
 */

/** A startup failure we can name: the reason, and what the person can do about it. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly whatToDo: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export interface ErrorBox {
  showErrorBox(title: string, content: string): void;
}

export const STARTUP_FAILURE_TITLE = 'Kilowatch could not start';

const firstLine = (text: string): string => text.split('\n', 1)[0] ?? '';

/**
 * better-sqlite3 compiled for another runtime than this Electron (a source checkout last built for
 * Node by `npm test`, or an installer that skipped the rebuild). Node's loader words it as
 * "… NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 150 …"; from
 * the core's worker only that text arrives, so the text is what is read, not the error's code.
 */
const NATIVE_MISMATCH =
  /NODE_MODULE_VERSION (\d+)\.\s+This version of \S+ requires\s+NODE_MODULE_VERSION (\d+)/;
/** Any other failure to load it: "invalid ELF header", "did not self-register", a missing file. */
const NATIVE_LOAD_FAILURE = /better_sqlite3\.node/;

export const NATIVE_MODULE_FIX =
  'From a source checkout, run `npm start`: it rebuilds better-sqlite3 for Electron (this needs Node ' +
  '22.12 or newer). An installed Kilowatch: install it again from its installer.';

function nativeModuleFailure(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  const mismatch = NATIVE_MISMATCH.exec(message);
  if (mismatch)
    return (
      `Its database engine (better-sqlite3) was built for another runtime: NODE_MODULE_VERSION ` +
      `${mismatch[1]}, where this Electron needs ${mismatch[2]}.`
    );
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_DLOPEN_FAILED' || NATIVE_LOAD_FAILURE.test(message))
    return `Its database engine (better-sqlite3) could not be loaded: ${firstLine(message)}`;
  return null;
}

export function describeStartupFailure(error: unknown): string {
  const native = nativeModuleFailure(error);
  if (native) return `${native}\n\n${NATIVE_MODULE_FIX}`;
  if (error instanceof StartupError) return `${firstLine(error.message)}\n\n${error.whatToDo}`;
  const reason = error instanceof Error ? error.message : String(error);
  return `${firstLine(reason)}\n\nThis is unexpected. Start Kilowatch from a terminal to see the full error, and report it if it happens again.`;
}

/** Shows the failure, then ends the app with a failure status whatever the dialog does. */
export function reportStartupFailure(dialog: ErrorBox, error: unknown, exit: (code: number) => void): void {
  try {
    dialog.showErrorBox(STARTUP_FAILURE_TITLE, describeStartupFailure(error));
  } finally {
    exit(1);
  }
}
