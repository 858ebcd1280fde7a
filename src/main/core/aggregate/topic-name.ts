/**
 * Names become topic segments only escaped: `+`, `#`, `/`, `%`, NUL and control characters are
 * percent-encoded, so no name can publish outside its own branch or into a wildcard (ARCHITECTURE.md §5).
 */
const MAX_SEGMENT_BYTES = 64 * 4;
// eslint-disable-next-line no-control-regex -- control characters are exactly what we escape
const UNSAFE = /[%+#/\u0000-\u001f\u007f]/g;

export function topicSegment(name: string): string {
  let escaped = name
    .normalize('NFC')
    .replace(UNSAFE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  if (escaped === '' || escaped === '.' || escaped === '..') escaped = escaped.replace(/\./g, '%2E') || '%00';
  if (escaped.startsWith('$')) escaped = `%24${escaped.slice(1)}`;
  while (Buffer.byteLength(escaped, 'utf8') > MAX_SEGMENT_BYTES) escaped = [...escaped].slice(0, -1).join('');
  return escaped;
}
