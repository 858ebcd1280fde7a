/**
 * The page's first script, kept to a few kilobytes: in a browser it opens the event stream (and
 * with it asks for the first snapshots, early-stream.ts) before the console's own code, a chunk
 * of its own, has loaded and run. The desktop app talks over IPC and has nothing to start early.
 */
import { startEarlyStream } from './api/early-stream';

if (!window.kilowatch) startEarlyStream(window.location);

void import('./boot');
