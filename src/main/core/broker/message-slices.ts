/**
 * Reads messages in slices of a few milliseconds (their share of a turn, turn-share.ts), with a
 * turn of the event loop between slices.
 *
 * A broker handing over a backlog (after an outage, or a persistent session's queue) fills the
 * socket faster than the core counts it. mqtt.js parses each chunk and hands its packets over one
 * after another on process.nextTick, and the stream it is piped from starts reading again as soon
 * as a chunk is done, so nothing else on the thread (a command, a live push, a timer) runs until
 * the socket runs dry: hundreds of milliseconds in a burst. Pausing the socket does not help, as
 * the pipe resumes it. mqtt.js's `handleMessage` hook does: it takes the next packet only once its
 * callback runs, so a callback deferred with setImmediate ends the slice. The pipe then holds the
 * socket (TCP back-pressure to the broker, nothing dropped), and the turn lets everything else in.
 * For QoS 1 the PUBACK follows the callback, so it waits for the slice too.
 *
 * The socket is corked for the slice: each QoS 1 message's PUBACK would otherwise be a write
 * system call of its own (a sixth of the core's time in the QoS 1 ingest bench). Corked, the
 * slice's acknowledgements leave together when it ends, a few milliseconds later at most.
 */
import type { MqttClient } from 'mqtt';
import { messageShareMs, spentThisTurnMs } from '../turn-share';

export function readInSlices(client: MqttClient): void {
  let isSliceOpen = false;
  /** Set when mqtt.js goes on from a deferred callback; cleared as the slice ends. */
  let isInCheckPhase = false;
  let shareMs = 0;
  const later = (callback: () => void): void => {
    setImmediate(() => {
      isInCheckPhase = true;
      callback();
    });
  };
  client.handleMessage = (_packet, callback) => {
    if (!isSliceOpen) {
      // A packet read from the socket, in the turn's poll phase where commands are read too:
      // the slice starts in the check phase after them, so a turn holds one slice of messages,
      // not one here and another there.
      if (!isInCheckPhase) return later(callback);
      isSliceOpen = true;
      // Half a turn while a batch or a frame waits for its slice, all of it otherwise.
      shareMs = messageShareMs();
      // The stream of this connection: a reconnect replaces client.stream, and only the corked
      // one may be uncorked.
      const stream = client.stream;
      stream.cork();
      // Runs before any deferred callback below (setImmediate is FIFO): the next slice starts fresh.
      setImmediate(() => {
        isSliceOpen = false;
        isInCheckPhase = false;
        stream.uncork();
      });
    }
    if (spentThisTurnMs() < shareMs) return callback();
    later(callback);
  };
}
