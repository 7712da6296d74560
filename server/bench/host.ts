// Runs in: node (bench process). What the host did to a measured window, from Linux's own
// accounts: how much of the vCPUs the hypervisor took (steal, /proc/stat) and how long a server's
// main thread waited runnable for a CPU (schedstat, in nanoseconds). On the shared 2-vCPU box this
// project is benched on, runs of the same code differ twofold in p99; printed beside each window,
// these say whether a run was disturbed. Elsewhere (no /proc) there is nothing to read.
import { readFileSync } from 'node:fs';
import { sleep } from './load.js';

export interface CpuTicks {
  /** Ticks the hypervisor ran something else while a vCPU wanted to run (all CPUs). */
  steal: number;
  /** All ticks counted (user … steal; guest time is already inside user). */
  total: number;
}

export interface ThreadSchedule {
  /** ns on a CPU. */
  ranNs: number;
  /** ns runnable but waiting for a CPU. */
  waitedNs: number;
}

export interface HostSample {
  at: number;
  cpu: CpuTicks;
  thread: ThreadSchedule | null;
}

/** The aggregate `cpu` line of /proc/stat. */
export function parseProcStat(text: string): CpuTicks {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate cpu line');
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) throw new Error(`/proc/stat cpu line not understood: ${line}`);
  return { steal: fields[7]!, total: fields.reduce((sum, n) => sum + n, 0) };
}

/** /proc/<pid>/task/<tid>/schedstat: "ran_ns waited_ns timeslices". */
export function parseSchedstat(text: string): ThreadSchedule {
  const [ran, waited] = text.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(ran) || !Number.isFinite(waited)) throw new Error(`schedstat not understood: ${text}`);
  return { ranNs: ran!, waitedNs: waited! };
}

/** The host's counters now and, given a pid, its main thread's; null where /proc is not there. */
export function sampleHost(pid?: number): HostSample | null {
  let cpu: CpuTicks;
  try {
    cpu = parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
  let thread: ThreadSchedule | null = null;
  if (pid !== undefined) {
    try {
      thread = parseSchedstat(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8'));
    } catch {
      // A kernel without schedstats, or the process already gone: the host line stands alone.
    }
  }
  return { at: performance.now(), cpu, thread };
}

/** One line for the log: steal over the window and, if known, the main thread's run and wait. */
export function describeWindow(who: string, from: HostSample | null, to: HostSample | null): string {
  if (!from || !to) return `${who}: host counters not available here`;
  const ticks = to.cpu.total - from.cpu.total;
  const steal = ticks > 0 ? ((to.cpu.steal - from.cpu.steal) / ticks) * 100 : 0;
  let line = `${who}: the host took ${steal.toFixed(1)} % of the vCPUs (steal)`;
  if (from.thread && to.thread) {
    const wallNs = (to.at - from.at) * 1e6;
    const ran = ((to.thread.ranNs - from.thread.ranNs) / wallNs) * 100;
    const waited = ((to.thread.waitedNs - from.thread.waitedNs) / wallNs) * 100;
    line += `; its main thread ran ${ran.toFixed(1)} % of the window and waited for a CPU ${waited.toFixed(1)} %`;
  }
  return line;
}

/**
 * Samples the host (and `pid`'s main thread) when a measured window opens and when it closes,
 * both as performance.now() times, and describes the window between.
 */
export async function hostWindow(who: string, pid: number, opensAt: number, closesAt: number): Promise<string> {
  await sleep(Math.max(0, opensAt - performance.now()));
  const from = sampleHost(pid);
  await sleep(Math.max(0, closesAt - performance.now()));
  return describeWindow(who, from, sampleHost(pid));
}
