/**
 * The log as people read it in a terminal or the journal: the same `kilowatch: …` lines (and
 * stacks) the console printed before the logs went to files, so what operators grep for keeps
 * working. The JSON with every field is in the file; this is its short form.
 */

/** pino's numbers for the levels below info, marked in the terminal so they stand out. */
const QUIET_LEVELS = new Map([
  [10, 'trace'],
  [20, 'debug'],
]);

interface LogLine {
  level?: number;
  msg?: string;
  err?: { stack?: string; message?: string };
}

/** One pino JSON line as the terminal shows it, newline included. */
export function terminalLine(json: string): string {
  let line: LogLine;
  try {
    line = JSON.parse(json) as LogLine;
  } catch (e) {
    // pino writes one JSON object per line; anything else is passed on as it came.
    if (e instanceof SyntaxError) return json.endsWith('\n') ? json : `${json}\n`;
    throw e;
  }
  const quiet = QUIET_LEVELS.get(line.level ?? 30);
  const text = `kilowatch: ${quiet ? `[${quiet}] ` : ''}${line.msg ?? ''}\n`;
  const stack = line.err?.stack;
  return stack ? `${text}${stack}\n` : text;
}

/** A pino destination writing terminal lines to `out` (stderr). */
export function terminalStream(out: { write(text: string): unknown }): { write(json: string): void } {
  return { write: (json) => void out.write(terminalLine(json)) };
}
