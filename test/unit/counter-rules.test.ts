/**
 * The energy rules (PROTOCOL.md §6, ARCHITECTURE.md §4) one behaviour at a time, straight on the
 * pure functions of counter-rules.ts. CounterFact, CounterMemory and DeviceMemory are built by hand
 * so each case states exactly what the engine knows. Energy is in units (1 Wh = 60 000).
 */
import { describe, expect, it } from 'vitest';
import {
  applyReading,
  MAX_AVG_POWER_W,
  MIN_RATE_WINDOW_S,
  newDeviceMemory,
  noteOnline,
  noteReboot,
  noteUptime,
  RESET_RATIO,
  type CounterMemory,
  type Decision,
  type DeviceMemory,
  type Verdict,
} from '../../src/main/core/energy/counter-rules';
import type { CounterFact } from '../../src/main/core/shelly/types';
import { UNITS_PER_WH } from '../../src/main/core/units';

/** Wh → units, exact for up to 3 decimals. */
const wh = (value: number): number => Math.round(value * 1000) * (UNITS_PER_WH / 1000);

/** A minute-aligned device clock, well after the 1e9 "synced" threshold. */
const T0 = 1_741_593_600;

interface FactOptions {
  primaryS?: number;
  secondaryS?: number;
  isDeviceTimed?: boolean;
  isGen1?: boolean;
}

/** A Gen2 switch:0 import reading with a trusted minute_ts unless told otherwise. */
function fact(valueWh: number, o: FactOptions = {}): CounterFact {
  const primaryS = o.primaryS ?? T0;
  return {
    type: 'counter',
    component: o.isGen1 ? 'relay:0' : 'switch:0',
    direction: 'import',
    units: wh(valueWh),
    order: { primaryS, secondaryS: o.secondaryS ?? primaryS + 0.22 },
    isDeviceTimed: o.isDeviceTimed ?? true,
    isGen1: o.isGen1 ?? false,
    isPhase: false,
    isGross: !o.isGen1,
  };
}

interface MemoryOptions {
  primaryS?: number;
  secondaryS?: number;
  arrivalS?: number;
  epoch?: number;
  offlineCount?: number;
}

function memory(valueWh: number, o: MemoryOptions = {}): CounterMemory {
  const primaryS = o.primaryS ?? T0;
  return {
    valueUnits: wh(valueWh),
    order: { primaryS, secondaryS: o.secondaryS ?? primaryS + 0.22 },
    arrivalS: o.arrivalS ?? primaryS + 1,
    epoch: o.epoch ?? 0,
    offlineCount: o.offlineCount ?? 0,
  };
}

function device(o: Partial<DeviceMemory> = {}): DeviceMemory {
  return { ...newDeviceMemory(), isOnline: true, ...o };
}

interface Case {
  name: string;
  previous: CounterMemory | undefined;
  reading: CounterFact;
  device?: DeviceMemory;
  /** Arrival of the reading; default one second after its primary key. */
  arrivalS?: number;
  isRetained?: boolean;
  verdict: Verdict;
  countedWh: number;
  /** What must be remembered afterwards; `null` = the state stays as it was. */
  next: CounterMemory | null;
  fromS?: number | null;
  spansGap?: boolean;
}

function decide(c: Case): Decision {
  return applyReading(
    c.previous,
    c.reading,
    c.device ?? device(),
    c.arrivalS ?? c.reading.order.primaryS + 1,
    c.isRetained ?? false,
  );
}

/** The remembered state for an accepted reading, as the rules define it. */
const remembered = (reading: CounterFact, arrivalS: number, dev: DeviceMemory = device()): CounterMemory => ({
  valueUnits: reading.units,
  order: reading.order,
  arrivalS,
  epoch: dev.epoch,
  offlineCount: dev.offlineCount,
});

const prev1000 = memory(1000);
const rebooted = device({ epoch: 1 });

const cases: Case[] = [
  (() => {
    const reading = fact(1523.117);
    return {
      name: 'the first reading of a counter is a baseline and counts nothing',
      previous: undefined,
      reading,
      verdict: 'baseline',
      countedWh: 0,
      next: remembered(reading, T0 + 1),
      fromS: null,
      spansGap: false,
    } satisfies Case;
  })(),
  (() => {
    const reading = fact(1012.345, { primaryS: T0 + 60 });
    return {
      name: 'a higher value with a newer key counts the rise and remembers the new value',
      previous: prev1000,
      reading,
      verdict: 'counted',
      countedWh: 12.345,
      next: remembered(reading, T0 + 61),
      fromS: T0,
      spansGap: false,
    } satisfies Case;
  })(),
  {
    name: 'the same key with the same value is a duplicate and changes nothing',
    previous: prev1000,
    reading: fact(1000),
    verdict: 'duplicate',
    countedWh: 0,
    next: null,
  },
  {
    name: 'an older key is out of order and changes nothing, even with a higher value',
    previous: memory(1000, { primaryS: T0 + 60 }),
    reading: fact(1005, { primaryS: T0 }),
    verdict: 'out-of-order',
    countedWh: 0,
    next: null,
  },
  {
    name: 'the same primary key with an older secondary key and another value is out of order',
    previous: memory(1000, { secondaryS: T0 + 30 }),
    reading: fact(999, { secondaryS: T0 + 10 }),
    verdict: 'out-of-order',
    countedWh: 0,
    next: null,
  },
  (() => {
    const reading = fact(1001, { secondaryS: T0 + 40 });
    return {
      name: 'the same primary key with a newer secondary key and a higher value counts the rise',
      previous: memory(1000, { secondaryS: T0 + 10 }),
      reading,
      verdict: 'counted',
      countedWh: 1,
      next: remembered(reading, T0 + 1),
      fromS: T0,
    } satisfies Case;
  })(),
  (() => {
    const reading = fact(1000, { primaryS: T0 + 120 });
    return {
      name: 'an equal value with a newer key adds nothing but remembers the newer key',
      previous: prev1000,
      reading,
      verdict: 'no-change',
      countedWh: 0,
      next: remembered(reading, T0 + 121),
    } satisfies Case;
  })(),
  {
    name: 'a retained reading below the last value is stale and changes nothing',
    previous: prev1000,
    reading: fact(990, { primaryS: T0 + 60 }),
    isRetained: true,
    verdict: 'stale-retained',
    countedWh: 0,
    next: null,
  },
  {
    name: 'a retained reading with an older key is stale even when its value is higher',
    previous: memory(1000, { primaryS: T0 + 60 }),
    reading: fact(1010, { primaryS: T0 }),
    isRetained: true,
    verdict: 'stale-retained',
    countedWh: 0,
    next: null,
  },
  {
    name: 'a retained reading equal to the last value adds nothing and changes nothing',
    previous: prev1000,
    reading: fact(1000, { primaryS: T0 + 60 }),
    isRetained: true,
    verdict: 'no-change',
    countedWh: 0,
    next: null,
  },
  (() => {
    const reading = fact(1020.5, { primaryS: T0 + 600 });
    return {
      name: 'a retained reading above the last value counts the rise the console missed',
      previous: prev1000,
      reading,
      isRetained: true,
      verdict: 'counted',
      countedWh: 20.5,
      next: remembered(reading, T0 + 601),
      fromS: T0,
    } satisfies Case;
  })(),
  {
    name: 'a retained reading never signals a reset, even after a reboot was seen',
    previous: prev1000,
    reading: fact(3, { primaryS: T0 + 600 }),
    device: rebooted,
    isRetained: true,
    verdict: 'stale-retained',
    countedWh: 0,
    next: null,
  },
  (() => {
    // A small drop (99 %) that would be a dip without the reboot evidence.
    const reading = fact(990, { primaryS: T0 + 60 });
    return {
      name: 'a drop after a reboot was seen is a reset that counts the new value from zero',
      previous: prev1000,
      reading,
      device: rebooted,
      verdict: 'reset',
      countedWh: 990,
      next: remembered(reading, T0 + 61, rebooted),
      fromS: null,
    } satisfies Case;
  })(),
  (() => {
    const reading = fact(4.2, { primaryS: T0 + 60 });
    return {
      name: 'a drop below 90 % with a trusted device clock is a reset even without a reboot',
      previous: prev1000,
      reading,
      verdict: 'reset',
      countedWh: 4.2,
      next: remembered(reading, T0 + 61),
      fromS: null,
    } satisfies Case;
  })(),
  (() => {
    // 899.999 Wh is just below 0.9 × 1000 Wh.
    const reading = fact(899.999, { primaryS: T0 + 60 });
    return {
      name: 'a drop to just below 90 % with a trusted device clock is a reset',
      previous: prev1000,
      reading,
      verdict: 'reset',
      countedWh: 899.999,
      next: remembered(reading, T0 + 61),
      fromS: null,
    } satisfies Case;
  })(),
  (() => {
    const reading = fact(900, { primaryS: T0 + 60 });
    return {
      name: 'a drop to exactly 90 % with a trusted device clock is a dip: ignored, the higher value kept',
      previous: prev1000,
      reading,
      verdict: 'dip-ignored',
      countedWh: 0,
      next: { ...prev1000, order: reading.order },
    } satisfies Case;
  })(),
  (() => {
    const reading = fact(910, { primaryS: T0 + 60 });
    return {
      name: 'a drop to 91 % with a trusted device clock is a dip: ignored, the higher value kept',
      previous: prev1000,
      reading,
      verdict: 'dip-ignored',
      countedWh: 0,
      next: { ...prev1000, order: reading.order },
    } satisfies Case;
  })(),
  (() => {
    const reading = fact(1, { primaryS: T0 + 60, isDeviceTimed: false, isGen1: false });
    return {
      name: 'a big drop without a device clock (Gen2 status topic, arrival time) is only a dip',
      previous: prev1000,
      reading,
      verdict: 'dip-ignored',
      countedWh: 0,
      // Nothing remembered: its arrival-time key must not hide the trusted reading of the same state.
      next: null,
    } satisfies Case;
  })(),
  (() => {
    const reading = fact(0.5, { primaryS: T0 + 30, isDeviceTimed: false, isGen1: true });
    return {
      name: 'a big drop of a Gen1 counter (restarts at 0 on every boot) is a reset',
      previous: prev1000,
      reading,
      verdict: 'reset',
      countedWh: 0.5,
      next: remembered(reading, T0 + 31),
      fromS: null,
    } satisfies Case;
  })(),
  {
    // Over 60 s, 1 MW is 16 666.67 Wh; 16 700 Wh is about 1.002 MW.
    name: 'a rise implying more than 1 MW on average is rejected and the baseline stays',
    previous: prev1000,
    reading: fact(1000 + 16_700, { primaryS: T0 + 60 }),
    arrivalS: T0 + 61,
    verdict: 'implausible-rate',
    countedWh: 0,
    // The baseline stays; the rejected value is remembered only to recognise a swapped counter.
    next: { ...prev1000, jump: { valueUnits: wh(1000 + 16_700), arrivalS: T0 + 61, count: 1 } },
  },
  (() => {
    // 16 600 Wh in 60 s is about 0.996 MW: just under the bound.
    const reading = fact(1000 + 16_600, { primaryS: T0 + 60 });
    return {
      name: 'a rise just under 1 MW on average is plausible and counted',
      previous: prev1000,
      reading,
      arrivalS: T0 + 61,
      verdict: 'counted',
      countedWh: 16_600,
      next: remembered(reading, T0 + 61),
      fromS: T0,
    } satisfies Case;
  })(),
  {
    // Over a 10-minute gap 200 kWh is 1.2 MW: the real elapsed time is used when it is longer.
    name: 'the rate is judged over the real elapsed time when it is longer than 60 s',
    previous: memory(1000, { arrivalS: T0 + 1 }),
    reading: fact(1000 + 200_000, { primaryS: T0 + 600 }),
    arrivalS: T0 + 601,
    verdict: 'implausible-rate',
    countedWh: 0,
    next: {
      ...memory(1000, { arrivalS: T0 + 1 }),
      jump: { valueUnits: wh(1000 + 200_000), arrivalS: T0 + 601, count: 1 },
    },
  },
  {
    // 20 kWh counted from zero within the 60 s window would be 1.2 MW.
    name: 'a reset whose new value itself implies more than 1 MW is rejected',
    previous: memory(100_000),
    reading: fact(20_000, { primaryS: T0 + 60 }),
    device: rebooted,
    arrivalS: T0 + 2,
    verdict: 'implausible-rate',
    countedWh: 0,
    next: null,
  },
  (() => {
    const offline = device({ offlineCount: 1 });
    const reading = fact(1100, { primaryS: T0 + 3600 });
    return {
      name: 'a rise after the device was seen going offline spans a gap',
      previous: prev1000,
      reading,
      device: offline,
      verdict: 'counted',
      countedWh: 100,
      next: remembered(reading, T0 + 3601, offline),
      fromS: T0,
      spansGap: true,
    } satisfies Case;
  })(),
  (() => {
    const reading = fact(1100, { primaryS: T0 + 3600 });
    return {
      name: 'a rise without an offline period in between does not span a gap',
      previous: memory(1000, { offlineCount: 1 }),
      reading,
      device: device({ offlineCount: 1 }),
      verdict: 'counted',
      countedWh: 100,
      next: remembered(reading, T0 + 3601, device({ offlineCount: 1 })),
      fromS: T0,
      spansGap: false,
    } satisfies Case;
  })(),
];

describe('applyReading', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const d = decide(c);
    expect(d.verdict).toBe(c.verdict);
    expect(d.countedUnits).toBe(wh(c.countedWh));
    expect(d.next).toEqual(c.next);
    if (c.fromS !== undefined) expect(d.fromS).toBe(c.fromS);
    expect(d.spansGap).toBe(c.spansGap ?? false);
  });

  it('never counts a negative amount and never changes the inputs', () => {
    const previous = memory(1000);
    const dev = rebooted;
    const frozen = JSON.stringify([previous, dev]);
    for (const v of [0, 1, 899.999, 900, 999.999, 1000, 1000.001]) {
      for (const isRetained of [false, true]) {
        const d = applyReading(previous, fact(v, { primaryS: T0 + 60 }), dev, T0 + 61, isRetained);
        expect(d.countedUnits).toBeGreaterThanOrEqual(0);
      }
    }
    expect(JSON.stringify([previous, dev])).toBe(frozen);
  });

  it('counts a burst of replayed readings 1 s apart, because plausibility uses at least a 60 s window', () => {
    // A backlog replayed after a reconnect: 10 minutes of a 25 kW load arriving one second apart.
    // 25 kW for a minute is 416.667 Wh; over one second that would look like 1.5 MW.
    const stepWh = 416.667;
    let previous: CounterMemory | undefined;
    let counted = 0;
    const dev = device();
    for (let i = 0; i <= 10; i++) {
      const d = applyReading(
        previous,
        fact(5000 + i * stepWh, { primaryS: T0 + i * 60 }),
        dev,
        T0 + 3600 + i,
        false,
      );
      expect(d.verdict).toBe(i === 0 ? 'baseline' : 'counted');
      counted += d.countedUnits;
      previous = d.next ?? previous;
    }
    expect(counted).toBe(10 * wh(stepWh));
  });

  it('keeps the baseline after an implausible rise, so the next sane reading counts from it', () => {
    const start = memory(1000, { arrivalS: T0 + 1 });
    const jump = applyReading(start, fact(1e9, { primaryS: T0 + 60 }), device(), T0 + 61, false);
    expect(jump.verdict).toBe('implausible-rate');
    const next = applyReading(
      jump.next ?? start,
      fact(1003, { primaryS: T0 + 120 }),
      device(),
      T0 + 121,
      false,
    );
    expect(next.verdict).toBe('counted');
    expect(next.countedUnits).toBe(wh(3));
  });

  it('re-baselines after three consistent rejections, without counting the jump (a swapped counter)', () => {
    // Rule 7's note: a Gen1 EM swapped under the same mqtt_id reads 2,000,000 Wh from then on.
    let state: CounterMemory = memory(10_000.5, { arrivalS: T0 });
    const verdicts: string[] = [];
    let counted = 0;
    for (const [i, value] of [2_000_000, 2_000_000, 2_000_001, 2_000_003].entries()) {
      const d = applyReading(
        state,
        fact(value, { primaryS: T0 + 60 * (i + 1) }),
        device(),
        T0 + 60 * (i + 1),
        false,
      );
      verdicts.push(d.verdict);
      counted += d.countedUnits;
      state = d.next ?? state;
    }
    expect(verdicts).toEqual(['implausible-rate', 'implausible-rate', 'rebased', 'counted']);
    expect(counted).toBe(wh(2));
    expect(state.valueUnits).toBe(wh(2_000_003));
  });

  it('does not re-baseline on rejections that disagree, or once a sane reading came between', () => {
    const run = (values: number[]): string[] => {
      let state: CounterMemory = memory(1000, { arrivalS: T0 });
      return values.map((value, i) => {
        const d = applyReading(
          state,
          fact(value, { primaryS: T0 + 60 * (i + 1) }),
          device(),
          T0 + 60 * (i + 1),
          false,
        );
        state = d.next ?? state;
        return d.verdict;
      });
    };
    // Spikes that go down again are noise, not a new counter.
    expect(run([5e6, 2e6, 5e6, 1e6])).toEqual(Array(4).fill('implausible-rate'));
    // A reading that agrees with the baseline breaks the run.
    expect(run([5e6, 5e6, 1001, 5e6, 5e6])).toEqual([
      'implausible-rate',
      'implausible-rate',
      'counted',
      'implausible-rate',
      'implausible-rate',
    ]);
  });

  it('keeps the newer key after a dip, so an even older copy is still out of order', () => {
    const dip = applyReading(prev1000, fact(950, { primaryS: T0 + 120 }), device(), T0 + 121, false);
    expect(dip.verdict).toBe('dip-ignored');
    const older = applyReading(
      dip.next ?? prev1000,
      fact(999, { primaryS: T0 + 60 }),
      device(),
      T0 + 122,
      false,
    );
    expect(older.verdict).toBe('out-of-order');
    const later = applyReading(
      dip.next ?? prev1000,
      fact(1001, { primaryS: T0 + 180 }),
      device(),
      T0 + 181,
      false,
    );
    expect(later.verdict).toBe('counted');
    expect(later.countedUnits).toBe(wh(1));
  });
});

describe('device memory', () => {
  const noteCases: Array<{ name: string; run: () => DeviceMemory; want: DeviceMemory }> = [
    {
      name: 'a new device has epoch 0, no offline periods and unknown availability',
      run: () => newDeviceMemory(),
      want: { epoch: 0, offlineCount: 0, isOnline: null, uptimeS: null },
    },
    {
      name: 'going offline counts an offline period and keeps the epoch',
      run: () => noteOnline(device({ epoch: 2, offlineCount: 3 }), false),
      want: { epoch: 2, offlineCount: 4, isOnline: false, uptimeS: null },
    },
    {
      name: 'coming back online after being offline starts a new epoch (a reboot may have happened)',
      run: () => noteOnline(device({ epoch: 2, offlineCount: 4, isOnline: false }), true),
      want: { epoch: 3, offlineCount: 4, isOnline: true, uptimeS: null },
    },
    {
      name: 'online while already online is not a reboot',
      run: () => noteOnline(device({ epoch: 2, isOnline: true }), true),
      want: { epoch: 2, offlineCount: 0, isOnline: true, uptimeS: null },
    },
    {
      name: 'the first online of a device never seen offline is not a reboot',
      run: () => noteOnline(newDeviceMemory(), true),
      want: { epoch: 0, offlineCount: 0, isOnline: true, uptimeS: null },
    },
    {
      name: 'the first uptime is remembered without starting an epoch',
      run: () => noteUptime(newDeviceMemory(), 500),
      want: { epoch: 0, offlineCount: 0, isOnline: null, uptimeS: 500 },
    },
    {
      name: 'a rising uptime is not a reboot',
      run: () => noteUptime({ ...newDeviceMemory(), uptimeS: 500 }, 560),
      want: { epoch: 0, offlineCount: 0, isOnline: null, uptimeS: 560 },
    },
    {
      name: 'an uptime that went down is a reboot and starts a new epoch',
      run: () => noteUptime({ ...newDeviceMemory(), uptimeS: 500 }, 3),
      want: { epoch: 1, offlineCount: 0, isOnline: null, uptimeS: 3 },
    },
    {
      name: 'an announced reboot (scheduled_restart, ota_success, reset command) starts a new epoch',
      run: () => noteReboot({ ...newDeviceMemory(), epoch: 4 }),
      want: { epoch: 5, offlineCount: 0, isOnline: null, uptimeS: null },
    },
  ];
  it.each(noteCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(c.run()).toEqual(c.want);
  });

  it('note functions return a new object and leave the old memory untouched', () => {
    const before = device({ epoch: 1, offlineCount: 1, isOnline: false, uptimeS: 100 });
    const copy = { ...before };
    expect(noteOnline(before, true)).not.toBe(before);
    expect(noteOnline(before, false)).not.toBe(before);
    expect(noteUptime(before, 1)).not.toBe(before);
    expect(noteReboot(before)).not.toBe(before);
    expect(before).toEqual(copy);
  });

  it('a reboot seen through noteOnline lets the next drop reset the counter', () => {
    const dev = noteOnline(noteOnline(device(), false), true);
    const d = applyReading(prev1000, fact(999, { primaryS: T0 + 120 }), dev, T0 + 121, false);
    expect(d.verdict).toBe('reset');
    expect(d.countedUnits).toBe(wh(999));
    expect(d.spansGap).toBe(true);
  });
});

describe('constants', () => {
  it('are the numbers PROTOCOL.md §6 states: 1 MW, a 60 s minimum window, a 90 % reset ratio', () => {
    expect(MAX_AVG_POWER_W).toBe(1_000_000);
    expect(MIN_RATE_WINDOW_S).toBe(60);
    expect(RESET_RATIO).toBe(0.9);
    expect(UNITS_PER_WH).toBe(60_000);
  });
});
