/**
 * A backlog handed over by the broker is read in slices (broker/message-slices.ts): between two
 * slices the event loop turns, so whatever else the core's thread has to do (a command from the
 * window, a live push, a timer) waits a few milliseconds, not for the whole backlog. Work done
 * beside the messages in slices shares the turn with them (turn-share.ts). Driven through
 * a real Mosquitto with a subscriber that spends 0.1 ms on each message, as ingest does on a busy
 * machine, and a burst it cannot keep up with.
 */
import { MessageChannel } from 'node:worker_threads';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { readInSlices } from '../../src/main/core/broker/message-slices';
import { TURN_WORK_MS, workFor } from '../../src/main/core/store/read-pace';
import { TURN_MS } from '../../src/main/core/turn-share';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';

const MESSAGES = 20_000;
const WORK_MS = 0.1;
const SLICE_MS = TURN_MS;
const QOS1_MESSAGES = 5000;

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A private Mosquitto and a client of it that reads in slices, both closed after the test. */
async function slicedSubscriber(): Promise<{ broker: Mosquitto; subscriber: MqttClient }> {
  const broker = await startMosquitto();
  cleanups.push(() => broker.stop());
  const subscriber = await testClient(broker.url);
  cleanups.push(() => subscriber.endAsync());
  readInSlices(subscriber);
  return { broker, subscriber };
}

describe('reading a backlog from the broker', () => {
  it('handles at most one slice of messages per turn of the event loop, and loses none', async () => {
    const { broker, subscriber } = await slicedSubscriber();
    let received = 0;
    let thisTurn = 0;
    let mostInOneTurn = 0;
    subscriber.on('message', () => {
      const until = performance.now() + WORK_MS;
      while (performance.now() < until); // the work a reading costs
      received++;
      thisTurn++;
      mostInOneTurn = Math.max(mostInOneTurn, thisTurn);
    });
    await subscriber.subscribeAsync('burst/#', { qos: 0 });
    // Turns are counted where a message from the main thread would be handled: between slices.
    let isDone = false;
    const tick = () => {
      thisTurn = 0;
      if (!isDone) setImmediate(tick);
    };
    setImmediate(tick);

    const publisher = await testClient(broker.url);
    cleanups.push(() => publisher.endAsync());
    const payload = JSON.stringify({ id: 0, apower: 72, aenergy: { total: 801.2 } });
    for (let i = 0; i < MESSAGES; i++) publisher.publish(`burst/device${i % 500}/status/switch:0`, payload);
    await waitFor(() => received === MESSAGES, 60_000, `all ${MESSAGES} messages`);
    isDone = true;

    expect(received).toBe(MESSAGES);
    // One slice is SLICE_MS of work plus the message that crossed it.
    expect(mostInOneTurn).toBeLessThanOrEqual(Math.ceil(SLICE_MS / WORK_MS) + 1);
    expect(mostInOneTurn).toBeGreaterThan(0);
  });

  it('acknowledges a slice of QoS 1 messages in one socket write, and acknowledges every one', async () => {
    const { broker, subscriber } = await slicedSubscriber();
    let received = 0;
    subscriber.on('message', () => {
      const until = performance.now() + WORK_MS;
      while (performance.now() < until); // the work a reading costs
      received++;
    });
    let pubacks = 0;
    subscriber.on('packetsend', (packet) => {
      if (packet.cmd === 'puback') pubacks++;
    });
    await subscriber.subscribeAsync('burst/#', { qos: 1 });
    // Every write system call the subscriber's socket makes from here on.
    const socket = subscriber.stream as unknown as {
      _write: (...args: unknown[]) => void;
      _writev?: (...args: unknown[]) => void;
    };
    let writes = 0;
    const write = socket._write.bind(socket);
    socket._write = (...args) => {
      writes++;
      write(...args);
    };
    const writev = socket._writev?.bind(socket);
    if (writev)
      socket._writev = (...args) => {
        writes++;
        writev(...args);
      };

    const publisher = await testClient(broker.url);
    cleanups.push(() => publisher.endAsync());
    const qos1 = QOS1_MESSAGES;
    const payload = JSON.stringify({ id: 0, apower: 72, aenergy: { total: 801.2 } });
    for (let i = 0; i < qos1; i++)
      publisher.publish(`burst/device${i % 500}/status/switch:0`, payload, { qos: 1 });
    await waitFor(() => received === qos1 && pubacks === qos1, 60_000, `all ${qos1} messages acknowledged`);

    expect(received).toBe(qos1);
    expect(pubacks).toBe(qos1);
    // One PUBACK per write would be qos1 writes; a slice holds up to SLICE_MS / WORK_MS messages.
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThan(qos1 / 10);
  });

  it('shares each turn with work beside the messages: a command waits for one turn of work, not for each in turn', async () => {
    const { broker, subscriber } = await slicedSubscriber();
    // Work is counted in items of WORK_MS each: a message read, or a run of work beside them.
    let items = 0;
    const busy = () => {
      const until = performance.now() + WORK_MS;
      while (performance.now() < until);
      items++;
    };
    let received = 0;
    subscriber.on('message', () => {
      busy();
      received++;
    });
    await subscriber.subscribeAsync('burst/#', { qos: 0 });

    // A command from another thread arrives on a port, between turns: here one always waits.
    const { port1, port2 } = new MessageChannel();
    cleanups.push(() => port1.close());
    let mostBetweenCommands = 0;
    let isDone = false;
    port2.on('message', () => {
      mostBetweenCommands = Math.max(mostBetweenCommands, items);
      items = 0;
      if (!isDone) port1.postMessage('stats.get');
    });
    port1.postMessage('stats.get');

    const publisher = await testClient(broker.url);
    cleanups.push(() => publisher.endAsync());
    const payload = JSON.stringify({ id: 0, apower: 72, aenergy: { total: 801.2 } });
    for (let i = 0; i < MESSAGES; i++) publisher.publish(`burst/device${i % 500}/status/switch:0`, payload);
    await waitFor(() => received > 1000, 20_000, 'the burst under way');
    // Counted from here: the burst's first turn or two may still hold a slice read beside the
    // commands, before the reading settles into the turns' check phases.
    mostBetweenCommands = 0;

    // Work beside the messages, as a batch made ready is (store/batch-writer.ts): a slice a turn.
    const BESIDE_RUNS = 2000;
    let runs = 0;
    await new Promise<void>((done) => {
      const slice = () => {
        const isFinished = workFor(TURN_WORK_MS, () => {
          busy();
          return ++runs === BESIDE_RUNS;
        });
        if (isFinished) done();
        else setImmediate(slice);
      };
      slice();
    });
    await waitFor(() => received === MESSAGES, 60_000, `all ${MESSAGES} messages`);
    isDone = true;

    expect(runs).toBe(BESIDE_RUNS);
    expect(received).toBe(MESSAGES);
    // One turn is TURN_MS of work, plus the item of each kind that crossed it and the message read
    // beside the command. Each kind to its own budget would be (8 + 4) / 0.1 = 120.
    expect(mostBetweenCommands).toBeLessThanOrEqual(Math.ceil(TURN_MS / WORK_MS) + 3);
    expect(mostBetweenCommands).toBeGreaterThan(Math.ceil(TURN_MS / WORK_MS) / 2);
  });
});
