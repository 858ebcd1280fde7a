/**
 * The bench company's total in `totals.live` frames, read the way both burst sides need it: a
 * frame is only looked at as bytes when it arrives (is it a push, does it name the company?), and
 * only the last one that does is parsed, when asked. In the burst each push is hundreds of kB;
 * parsing every one on the probing thread made the calls due meanwhile leave late (p99 15–38 ms
 * late, up to 110 ms), which counted as the console's latency.
 */
import type { NodeTotals } from '../../src/shared/contract';
import { nodeId } from '../../src/main/core/site/placement';
import { BENCH_COMPANY } from './shelly-fleet';

export const BENCH_COMPANY_NODE = nodeId.company({ company: BENCH_COMPANY });
const LIVE_FRAME_START = Buffer.from('{"event":"totals.live"');
const COMPANY_MARK = Buffer.from(`"id":${JSON.stringify(BENCH_COMPANY_NODE)}`);

const bytes = (frame: Uint8Array): Buffer => Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);

/** Whether a frame is a `totals.live` push (the encoders write the event name first). */
export const isLiveFrame = (frame: Uint8Array): boolean =>
  bytes(frame).subarray(0, LIVE_FRAME_START.length).equals(LIVE_FRAME_START) ||
  (JSON.parse(bytes(frame).toString()) as { event: string }).event === 'totals.live';

/** Keeps the last push that names the company; `companyWh()` parses it (NaN before any). */
export function lastCompanyTotal(): { see(frame: Uint8Array): void; companyWh(): number } {
  let withCompany: Uint8Array | null = null;
  return {
    see(frame) {
      if (bytes(frame).includes(COMPANY_MARK)) withCompany = frame;
    },
    companyWh() {
      if (!withCompany) return Number.NaN;
      const message = JSON.parse(bytes(withCompany).toString()) as { payload: { nodes: NodeTotals[] } };
      return message.payload.nodes.find((n) => n.id === BENCH_COMPANY_NODE)?.energyWh ?? Number.NaN;
    },
  };
}
