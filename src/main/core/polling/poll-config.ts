/**
 * `[[poll]]` in kilowatch.toml (README "Devices not on MQTT"): a Shelly that cannot use MQTT,
 * read over its local HTTP API and filed under a topic prefix as if it had published there.
 */
import { z } from 'zod';
import { topicRejection } from '../shelly/topic';

export const MIN_POLL_INTERVAL_S = 5;

export const PollSection = z
  .object({
    url: z
      .string()
      .regex(/^https?:\/\/[^/?#\s@]+\/?$/, 'must be the device address, e.g. "http://192.168.1.20"'),
    prefix: z.string().min(1),
    generation: z.union([z.literal(1), z.literal(2)]),
    intervalS: z.number().int().min(MIN_POLL_INTERVAL_S).max(3600).default(30),
    username: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const problem = topicRejection(p.prefix);
    if (problem) ctx.addIssue({ code: 'custom', path: ['prefix'], message: `is not a topic (${problem})` });
    // Gen1 topics are `shellies/<id>/…` and nothing else: the decoders read the id from there.
    if (p.generation === 1 && !/^shellies\/[^/]+$/.test(p.prefix))
      ctx.addIssue({
        code: 'custom',
        path: ['prefix'],
        message:
          'for generation = 1 must be "shellies/<device id>", e.g. "shellies/shellyplug-s-C45BBE6A1F2D"',
      });
    if (p.generation === 2 && /\/(events|status|command|online|announce|rpc)$/.test(p.prefix))
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'must not end in a Shelly topic suffix' });
    if (p.username !== undefined && p.passwordFile === undefined)
      ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'is needed with username' });
  });
export type PollConfig = z.infer<typeof PollSection>;

/** Two entries filing under one prefix would be one device read twice. */
export const PollSections = z
  .array(PollSection)
  .default([])
  .refine((polls) => new Set(polls.map((p) => p.prefix)).size === polls.length, 'each prefix only once');
