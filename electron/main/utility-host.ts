// Runs in: main. Keeps the store server alive in an Electron utility process: starts it, restarts
// it with exponential backoff when it dies, and on quit asks it to stop so its outbox flushes
// before the process goes. Electron's utilityProcess is injected, so this runs under Node tests.
import type { StoreServerState, StoreServerStatus } from '../shared/bridge-api.js';
import { isUtilityToMain, type MainToUtility, type StartRequest, type UtilityToMain } from '../shared/utility-messages.js';

/** The part of Electron's `UtilityProcess` used here. */
export interface UtilityChild {
  readonly pid: number | undefined;
  postMessage(message: MainToUtility): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface HostTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const systemTimers: HostTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** A process that ran this long before dying starts the backoff from the beginning again. */
  stableMs: number;
  /** Consecutive failures after which the host stops trying and reports `failed`. */
  maxConsecutiveFailures: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, factor: 2, maxMs: 60_000, stableMs: 60_000, maxConsecutiveFailures: 12 };

export interface UtilityHostOptions {
  fork: () => UtilityChild;
  /** Built fresh for every start: secrets may have changed since the last one. */
  startRequest: () => StartRequest | Promise<StartRequest>;
  onMessage?: (message: UtilityToMain) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  timers?: HostTimers;
  backoff?: Partial<BackoffPolicy>;
  /** How long the store server may take to report `ready` before it counts as failed. */
  startTimeoutMs?: number;
  /** How long a graceful stop may take (the outbox flush) before the process is killed. */
  stopTimeoutMs?: number;
}

export function backoffDelay(consecutiveFailures: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, consecutiveFailures - 1);
  return Math.min(policy.maxMs, Math.round(policy.initialMs * policy.factor ** exponent));
}

export class UtilityHost {
  private child: UtilityChild | null = null;
  private state: StoreServerState = 'stopped';
  private url: string | null = null;
  private restarts = 0;
  private consecutiveFailures = 0;
  private nextRestartAt: number | null = null;
  private lastExit: StoreServerStatus['lastExit'] = null;
  private startedAt = 0;
  private restartTimer: unknown = null;
  private startTimer: unknown = null;
  private failureReason: string | null = null;
  private stopping: Promise<void> | null = null;
  /** Set while a stop is under way: the exit that follows is expected, not a crash. */
  private shuttingDown = false;
  /** Set once the shell quits: nothing starts again. */
  private quitting = false;
  private readonly listeners = new Set<(status: StoreServerStatus) => void>();
  private readonly timers: HostTimers;
  private readonly policy: BackoffPolicy;

  constructor(private readonly options: UtilityHostOptions) {
    this.timers = options.timers ?? systemTimers;
    this.policy = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  status(): StoreServerStatus {
    return {
      state: this.state,
      url: this.url,
      restarts: this.restarts,
      // A running server has no try under way; one that dies before stableMs carries on the count.
      attempt: this.state === 'running' ? 0 : this.consecutiveFailures,
      maxAttempts: this.policy.maxConsecutiveFailures,
      nextRestartAt: this.nextRestartAt,
      lastExit: this.lastExit,
    };
  }

  onStatus(listener: (status: StoreServerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.quitting || this.shuttingDown || this.child || this.restartTimer !== null) return;
    this.consecutiveFailures = 0;
    void this.spawn();
  }

  /** Staff's "restart now" after `failed`: starts over with a fresh backoff. */
  restartNow(): void {
    if (this.quitting || this.shuttingDown || this.child) return;
    this.clearRestartTimer();
    this.consecutiveFailures = 0;
    void this.spawn();
  }

  /** Forwards a message to the store server; dropped while no process runs (the device bridge
   * replays its state on `ready`, so nothing is lost that matters). */
  send(message: MainToUtility): boolean {
    if (!this.child || (this.state !== 'running' && this.state !== 'starting')) return false;
    this.child.postMessage(message);
    return true;
  }

  /** Graceful stop for good (quitting): asks the store server to close (outbox flushed) and kills
   * it after the timeout; nothing starts again afterwards. */
  stop(): Promise<void> {
    this.quitting = true;
    return this.stopChild();
  }

  /** Graceful stop and a fresh start, e.g. after registration so the server picks up its central
   * client. A quit during the restart wins: no start follows it. */
  async restart(): Promise<void> {
    if (this.quitting) return;
    await this.stopChild();
    if (this.quitting) return;
    this.shuttingDown = false;
    this.stopping = null;
    this.consecutiveFailures = 0;
    void this.spawn();
  }

  /** Stops the store server, and its restarts, until start() is called again (the wizard's store
   * step failed: retrying the same choice would fail the same way). */
  async halt(): Promise<void> {
    if (this.quitting) return;
    await this.stopChild();
    if (this.quitting) return;
    this.shuttingDown = false;
    this.stopping = null;
  }

  private stopChild(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.shuttingDown = true;
    this.clearRestartTimer();
    this.clearStartTimer();
    const child = this.child;
    if (!child) {
      this.setState('stopped');
      this.stopping = Promise.resolve();
      return this.stopping;
    }
    this.setState('stopping');
    this.stopping = new Promise<void>((resolve) => {
      const killTimer = this.timers.setTimeout(() => {
        this.log('warn', `store server did not stop within ${this.options.stopTimeoutMs ?? 15_000} ms; killing it`);
        child.kill();
      }, this.options.stopTimeoutMs ?? 15_000);
      this.onChildGone = () => {
        this.timers.clearTimeout(killTimer);
        resolve();
      };
      child.postMessage({ type: 'shutdown' });
    });
    return this.stopping;
  }

  private onChildGone: (() => void) | null = null;

  private async spawn(): Promise<void> {
    this.nextRestartAt = null;
    this.url = null;
    this.failureReason = null;
    this.setState('starting');
    let request: StartRequest;
    try {
      request = await this.options.startRequest();
    } catch (error) {
      this.consecutiveFailures += 1;
      this.failed(`could not prepare the start: ${(error as Error).message}`);
      return;
    }
    if (this.shuttingDown) return;
    let child: UtilityChild;
    try {
      child = this.options.fork();
    } catch (error) {
      this.consecutiveFailures += 1;
      this.failed(`could not fork the utility process: ${(error as Error).message}`);
      return;
    }
    this.child = child;
    this.startedAt = this.timers.now();
    child.on('message', (message) => this.handleMessage(child, message));
    child.on('exit', (code) => this.handleExit(child, code));
    this.startTimer = this.timers.setTimeout(() => {
      this.failureReason = `no ready signal within ${this.options.startTimeoutMs ?? 60_000} ms`;
      this.log('error', `store server: ${this.failureReason}; killing it`);
      child.kill();
    }, this.options.startTimeoutMs ?? 60_000);
    child.postMessage({ type: 'start', request });
  }

  private handleMessage(child: UtilityChild, message: unknown): void {
    if (child !== this.child) return;
    if (!isUtilityToMain(message)) {
      this.log('warn', 'store server sent an unknown message; ignored');
      return;
    }
    if (message.type === 'ready') {
      this.clearStartTimer();
      this.url = message.url;
      if (this.state === 'starting') this.setState('running');
    } else if (message.type === 'start-failed') {
      this.failureReason = message.message;
      this.log('error', `store server failed to start: ${message.message}`);
    }
    this.options.onMessage?.(message);
  }

  private handleExit(child: UtilityChild, code: number): void {
    if (child !== this.child) return;
    this.child = null;
    this.clearStartTimer();
    const now = this.timers.now();
    const reason = this.failureReason ?? (code === 0 ? 'exited' : `exited with code ${code}`);
    this.lastExit = { code, at: now, reason };
    this.url = null;
    if (this.shuttingDown) {
      this.setState('stopped');
      this.onChildGone?.();
      return;
    }
    this.restarts += 1;
    // A server that ran for a while and then died is a new incident, not the same crash loop.
    this.consecutiveFailures = now - this.startedAt >= this.policy.stableMs ? 1 : this.consecutiveFailures + 1;
    this.failed(reason);
  }

  private failed(reason: string): void {
    if (this.consecutiveFailures > this.policy.maxConsecutiveFailures) {
      this.log('error', `store server gave up after ${this.consecutiveFailures} failures in a row: ${reason}`);
      this.nextRestartAt = null;
      this.setState('failed');
      return;
    }
    const delay = backoffDelay(this.consecutiveFailures, this.policy);
    this.nextRestartAt = this.timers.now() + delay;
    this.log('warn', `store server ${reason}; restarting in ${delay} ms`);
    this.setState('restarting');
    this.restartTimer = this.timers.setTimeout(() => {
      this.restartTimer = null;
      void this.spawn();
    }, delay);
  }

  private clearRestartTimer(): void {
    if (this.restartTimer !== null) this.timers.clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.nextRestartAt = null;
  }

  private clearStartTimer(): void {
    if (this.startTimer !== null) this.timers.clearTimeout(this.startTimer);
    this.startTimer = null;
  }

  private setState(state: StoreServerState): void {
    this.state = state;
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
