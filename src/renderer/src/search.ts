/**
 * The tree's search box: which nodes match what was typed. Matching ignores case and accents
 * ("salao" finds "Salão"); a query with "/" is read as the end of a path ("lisbon/kitchen" finds
 * that room, "kitchen/ov" its oven) so staff can tell the three Kitchens apart.
 */
import type { SiteNode } from '../../shared/contract';

export const normaliseText = (text: string): string =>
  text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

interface Searchable {
  name: string;
  /** The node's path joined with "/", normalised; for nodes without a path, its name. */
  path: string;
  /** Where the node's own segment starts in `path`. */
  ownStart: number;
  model: string;
}

/** Normalised names and paths, built once per tree (a 10,000-device site has ~30,000 nodes). */
export type SearchIndex = Map<string, Searchable>;

export function buildSearchIndex(nodes: SiteNode[]): SearchIndex {
  const index: SearchIndex = new Map();
  const stack = [...nodes];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const segments = node.path.length > 0 ? node.path : [node.name];
    const path = normaliseText(segments.join('/'));
    const last = normaliseText(segments[segments.length - 1] ?? '');
    index.set(node.id, {
      name: normaliseText(node.name),
      path,
      ownStart: path.length - last.length,
      // The product ("Pro 3EM") and the code: staff may search by either.
      model: normaliseText([node.product, node.model].filter(Boolean).join(' ')),
    });
    for (const child of node.children) stack.push(child);
  }
  return index;
}

export type Matcher = (node: SiteNode) => boolean;

/** null when the query is empty: nothing is filtered. */
export function createMatcher(query: string, index: SearchIndex): Matcher | null {
  const q = normaliseText(query.trim()).replace(/\s*\/\s*/g, '/');
  if (q === '') return null;
  const isPath = q.includes('/');
  return (node) => {
    const entry = index.get(node.id);
    if (!entry) return false;
    if (!isPath) return entry.name.includes(q) || (entry.model !== '' && entry.model.includes(q));
    // A path query must reach into the node's own segment, so "lisbon/kitchen" matches the room
    // and not every device inside it.
    for (let at = entry.path.indexOf(q); at >= 0; at = entry.path.indexOf(q, at + 1)) {
      if (at + q.length > entry.ownStart) return true;
    }
    return false;
  };
}

/** Where the query occurs in a name, for highlighting; null when it does not. */
export function matchRange(name: string, query: string): [number, number] | null {
  const q = normaliseText(query.trim());
  if (q === '' || q.includes('/')) return null;
  // Folding can change lengths ("ã" → "a"): fold per character to map the match back to the name.
  const chars = [...name];
  const folded = chars.map((c) => normaliseText(c));
  const at = folded.join('').indexOf(q);
  if (at < 0) return null;
  let foldedPos = 0;
  let offset = 0;
  let start = -1;
  for (let i = 0; i < chars.length; i++) {
    if (start < 0 && foldedPos + (folded[i] as string).length > at) start = offset;
    foldedPos += (folded[i] as string).length;
    offset += (chars[i] as string).length;
    if (start >= 0 && foldedPos >= at + q.length) return [start, offset];
  }
  return start >= 0 ? [start, name.length] : null;
}
