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

export function describeStartupFailure(error: unknown): string {
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
