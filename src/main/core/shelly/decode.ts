/** The decoder's single entry: (topic, payload bytes) → facts about one device, or a reason. */
import { decodeGen1 } from './gen1';
import { decodeGen2 } from './gen2';
import { payloadText } from './payload';
import { parseTopic, topicRejection, type ParsedTopic } from './topic';
import type { DecodeContext, DecodeOutcome } from './types';

interface TopicVerdict {
  problem: string | null;
  parsed: ParsedTopic;
}

/**
 * Topic verdicts, remembered: a site's devices publish on the same few topics all day, and the
 * checks are regular expressions. Bounded, because topics are data and a hostile publisher could
 * send endless new ones; clearing only costs the checks again.
 */
const knownTopics = new Map<string, TopicVerdict>();
const MAX_KNOWN_TOPICS = 65_536;

function topicVerdict(topic: string): TopicVerdict {
  let verdict = knownTopics.get(topic);
  if (!verdict) {
    const problem = topicRejection(topic);
    verdict = { problem, parsed: problem ? null : parseTopic(topic) };
    if (knownTopics.size >= MAX_KNOWN_TOPICS) knownTopics.clear();
    knownTopics.set(topic, verdict);
  }
  return verdict;
}

export function decodeShelly(topic: string, payload: Uint8Array, ctx: DecodeContext): DecodeOutcome {
  const { problem, parsed } = topicVerdict(topic);
  if (problem) return { kind: 'rejected', reason: problem };
  const text = payloadText(payload);
  if ('error' in text) return { kind: 'rejected', reason: text.error };
  if (!parsed) return { kind: 'ignored', why: 'not-shelly' };
  // Zero-length payloads clear retained topics; nothing to read (§8, "accept but neutralise").
  if (text.value.length === 0) return { kind: 'ignored', why: 'empty' };
  if (parsed.generation === 1) return decodeGen1(parsed.rest, text.value, ctx);
  return decodeGen2(parsed.kind, parsed.prefix, parsed.detail, text.value, ctx);
}
