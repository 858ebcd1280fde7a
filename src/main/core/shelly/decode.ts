/** The decoder's single entry: (topic, payload bytes) → facts about one device, or a reason. */
import { decodeGen1 } from './gen1';
import { decodeGen2 } from './gen2';
import { payloadText } from './payload';
import { parseTopic, topicRejection } from './topic';
import type { DecodeContext, DecodeOutcome } from './types';

export function decodeShelly(topic: string, payload: Uint8Array, ctx: DecodeContext): DecodeOutcome {
  const topicProblem = topicRejection(topic);
  if (topicProblem) return { kind: 'rejected', reason: topicProblem };
  const text = payloadText(payload);
  if ('error' in text) return { kind: 'rejected', reason: text.error };
  const parsed = parseTopic(topic);
  if (!parsed) return { kind: 'ignored', why: 'not-shelly' };
  // Zero-length payloads clear retained topics; nothing to read (§8, "accept but neutralise").
  if (text.value.length === 0) return { kind: 'ignored', why: 'empty' };
  if (parsed.generation === 1) return decodeGen1(parsed.rest, text.value, ctx);
  return decodeGen2(parsed.kind, parsed.prefix, parsed.detail, text.value, ctx);
}
