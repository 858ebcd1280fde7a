/** Ingest end to end at QoS 1 (every message acknowledged): the same comparison as `ingest`. */
import { ingestScenario } from '../lib/ingest-run';

export const scenario = ingestScenario('ingest-qos1', 1);
