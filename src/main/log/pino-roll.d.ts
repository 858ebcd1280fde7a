/** pino-roll ships no types: the options Kilowatch uses, and the SonicBoom stream it resolves with. */
declare module 'pino-roll' {
  import type SonicBoom from 'sonic-boom';

  interface PinoRollOptions {
    /** The path without number and extension; files are named `<file>.<n><extension>`. */
    file: string;
    extension?: string;
    /** Per file: a number (MB) or a string with k, m or g. */
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    /** SonicBoom's own options. */
    sync?: boolean;
    mkdir?: boolean;
    mode?: number;
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<SonicBoom>;
}
