/** Topic checks from PROTOCOL.md §8: a topic is data, and hostile ones are rejected with a reason. */
export const MAX_TOPIC_BYTES = 400;

export function topicRejection(topic: string): string | null {
  if (topic.length === 0) return 'topic-empty';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we look for
  if (/[\u0000-\u001f\u007f]/.test(topic)) return 'topic-control-char';
  if (/[+#]/.test(topic)) return 'topic-wildcard';
  if (Buffer.byteLength(topic, 'utf8') > MAX_TOPIC_BYTES) return 'topic-too-long';
  const segments = topic.split('/');
  if (segments.some((s) => s === '')) return 'topic-empty-segment';
  if (segments.some((s) => s === '.' || s === '..')) return 'topic-dot-segment';
  return null;
}

export type Gen2TopicKind = 'events' | 'status' | 'status-all' | 'command' | 'online' | 'announce' | 'rpc';

/** Gen2+ suffixes, matched from the right; whatever precedes is the device's topic prefix. */
const GEN2_SUFFIXES: ReadonlyArray<[RegExp, Gen2TopicKind]> = [
  [/^(.+)\/events\/rpc$/, 'events'],
  [/^(.+)\/status\/([^/]+)$/, 'status'],
  [/^(.+)\/(?:command|error)\/([^/]+)$/, 'command'],
  // The whole device status, published in reply to `status_update` on <prefix>/command.
  [/^(.+)\/(status)$/, 'status-all'],
  [/^(.+)\/(online)$/, 'online'],
  [/^(.+)\/(announce)$/, 'announce'],
  [/^(.+)\/(rpc)$/, 'rpc'],
  [/^(.+)\/(command)$/, 'command'],
];

export type ParsedTopic =
  | { generation: 1; rest: string }
  | { generation: 2; kind: Gen2TopicKind; prefix: string; detail: string | undefined }
  | null;

export function parseTopic(topic: string): ParsedTopic {
  // A Gen2+ prefix may itself begin with `shellies/`; its suffixes tell it apart from Gen1.
  if (topic.startsWith('shellies/') && !/\/(events\/rpc|status\/[^/]+)$/.test(topic)) {
    return { generation: 1, rest: topic.slice('shellies/'.length) };
  }
  for (const [re, kind] of GEN2_SUFFIXES) {
    const m = re.exec(topic);
    if (m) return { generation: 2, kind, prefix: m[1] as string, detail: m[2] };
  }
  return null;
}
