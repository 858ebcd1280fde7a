/** Ingest end to end at QoS 0: the core against `floor-thread` and a bare mqtt.js client (bench/lib/ingest-run.ts). */
import { ingestScenario } from '../lib/ingest-run';

export const scenario = ingestScenario('ingest', 0);
