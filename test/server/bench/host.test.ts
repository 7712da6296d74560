// Runs in: node (vitest). The bench's reading of Linux's CPU accounts, on texts whose answers are
// known by hand, and on this process where /proc exists.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWindow, parseProcStat, parseSchedstat, sampleHost, type HostSample } from '../../../server/bench/host.js';

const procStat = (steal: number, idle: number) =>
  `cpu  100 5 50 ${idle} 10 0 5 ${steal} 0 0\ncpu0 50 2 25 ${idle / 2} 5 0 2 ${steal / 2} 0 0\nintr 12345\n`;

describe('parseProcStat', () => {
  it('reads steal and the total of the aggregate line, guest time not counted twice', () => {
    expect(parseProcStat(procStat(30, 800))).toEqual({ steal: 30, total: 100 + 5 + 50 + 800 + 10 + 0 + 5 + 30 });
  });

  it('refuses a text without the aggregate line', () => {
    expect(() => parseProcStat('cpu0 1 2 3 4 5 6 7 8\n')).toThrow(/aggregate/);
  });
});

describe('parseSchedstat', () => {
  it('reads the ns on a CPU and the ns waiting for one', () => {
    expect(parseSchedstat('25300000000 7330000000 36621\n')).toEqual({ ranNs: 25_300_000_000, waitedNs: 7_330_000_000 });
  });

  it('refuses what it does not understand', () => {
    expect(() => parseSchedstat('n/a')).toThrow(/schedstat/);
  });
});

describe('describeWindow', () => {
  const at = (ms: number, steal: number, total: number, ranNs: number, waitedNs: number): HostSample => ({
    at: ms,
    cpu: { steal, total },
    thread: { ranNs, waitedNs },
  });

  it('gives steal as a share of all ticks and the thread as shares of the wall time', () => {
    // 10 s of wall time: 2.5 s on a CPU, 0.5 s waiting; 100 of 2,000 ticks stolen.
    const line = describeWindow('store window', at(1_000, 50, 10_000, 1e9, 1e8), at(11_000, 150, 12_000, 3.5e9, 6e8));
    expect(line).toBe('store window: the host took 5.0 % of the vCPUs (steal); its main thread ran 25.0 % of the window and waited for a CPU 5.0 %');
  });

  it('says so when a side could not be read', () => {
    expect(describeWindow('floor window', null, null)).toBe('floor window: host counters not available here');
  });
});

describe.runIf(existsSync('/proc/stat'))('sampleHost on this machine', () => {
  it('reads the host and this process, whose main thread has run', () => {
    const sample = sampleHost(process.pid);
    expect(sample).not.toBeNull();
    expect(sample!.cpu.total).toBeGreaterThan(0);
    // A kernel built without schedstats has no file: the host line then stands alone.
    if (existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`)) expect(sample!.thread!.ranNs).toBeGreaterThan(0);
  });
});
