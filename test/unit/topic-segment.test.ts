import { describe, expect, it } from 'vitest';
import { topicSegment } from '../../src/main/core/aggregate/topic-name';

describe('topicSegment keeps every name inside its own branch', () => {
  it.each([
    ['Reception', 'Reception'],
    ['Salão', 'Salão'],
    ['a/b', 'a%2Fb'],
    ['+', '%2B'],
    ['#', '%23'],
    ['50%', '50%25'],
    ['tab\there', 'tab%09here'],
    ['nul\u0000', 'nul%00'],
    ['..', '%2E%2E'],
    ['$SYS', '%24SYS'],
  ])('%j → %j', (name, segment) => {
    expect(topicSegment(name)).toBe(segment);
  });

  it('shortens an over-long name to at most 256 bytes', () => {
    expect(Buffer.byteLength(topicSegment('é'.repeat(500)), 'utf8')).toBeLessThanOrEqual(256);
  });
});
