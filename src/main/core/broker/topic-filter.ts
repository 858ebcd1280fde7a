/** Whether an MQTT topic filter (`+` one level, `#` the rest) takes a topic, as a broker decides. */
export function filterMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    // Wildcards never match a leading `$` level ($SYS): MQTT 3.1.1 §4.7.2.
    if (i === 0 && t[0]?.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
    // `a/#` takes `a` itself too: every level before it has matched.
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
