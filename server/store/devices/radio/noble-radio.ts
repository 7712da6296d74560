// Runs in: node (the Electron main process, or a headless station with an adapter). The real BLE
// adapter through @abandonware/noble behind the BleScanner seam. A station without an adapter,
// driver or permission keeps selling: the radio reports `unavailable` and retries with backoff;
// switching the adapter off and on resumes scanning without anyone restarting anything.
import { createRequire } from 'node:module';
import { systemClock, type Clock } from '../../clock.js';
import { RadioListeners, realTimers, throttledReporter, type ListenerErrorReporter, type Timers } from './emitter.js';
import type { BleAdvert, BleScanner, RadioState, Unsubscribe } from './types.js';

/** What noble's `discover` event hands over, as far as the radio reads it. */
export interface NoblePeripheral {
  id?: string;
  uuid?: string;
  address?: string;
  rssi: number;
  advertisement?: {
    manufacturerData?: Uint8Array | null;
    serviceData?: { uuid: string; data: Uint8Array }[] | null;
  } | null;
}

/** The slice of noble the radio uses; tests pass an EventEmitter fake. */
export interface NobleLike {
  on(event: 'stateChange', listener: (state: string) => void): unknown;
  on(event: 'discover', listener: (peripheral: NoblePeripheral) => void): unknown;
  on(event: 'scanStop', listener: () => void): unknown;
  on(event: 'warning', listener: (message: string) => void): unknown;
  removeListener(event: 'stateChange', listener: (state: string) => void): unknown;
  removeListener(event: 'discover', listener: (peripheral: NoblePeripheral) => void): unknown;
  removeListener(event: 'scanStop', listener: () => void): unknown;
  removeListener(event: 'warning', listener: (message: string) => void): unknown;
  startScanning(serviceUuids: string[], allowDuplicates: boolean, callback?: (error?: Error | null) => void): void;
  stopScanning(callback?: () => void): void;
  /** Read only after the adapter reported a state: on real noble, reading it first initialises the adapter. */
  readonly state?: string;
}

export type NobleLoader = () => NobleLike;

/**
 * Loads noble with the platform's default bindings. The package root does this at require time and
 * throws there without an adapter (EAFNOSUPPORT, ENODEV); `with-bindings` only defines Noble, so the
 * bindings are made here, when start() calls this, where the failure becomes `unavailable`.
 */
export function loadNoble(): NobleLike {
  const require = createRequire(import.meta.url);
  const withBindings = require('@abandonware/noble/with-bindings') as (bindings: unknown) => NobleLike;
  const resolveBindings = require('@abandonware/noble/lib/resolve-bindings') as (options?: object) => unknown;
  return withBindings(resolveBindings());
}

export interface NobleRadioOptions {
  load?: NobleLoader;
  clock?: Clock;
  timers?: Timers;
  /** First retry delay after a failure; doubles per failure up to retryMaxMs. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** How long the adapter may take to report a state, or a scan to start, before it counts as unavailable. */
  startTimeoutMs?: number;
  onListenerError?: ListenerErrorReporter;
}

const UNAUTHORIZED =
  'no permission to use Bluetooth (Linux: grant the station CAP_NET_RAW and CAP_NET_ADMIN; macOS: allow Bluetooth for the app)';

export class NobleRadio implements BleScanner {
  private current: RadioState = 'stopped';
  private currentDetail: string | undefined;
  private noble: NobleLike | null = null;
  /** Whether `noble` ever reported an adapter state: only then is reading `noble.state` safe and meaningful. */
  private reported = false;
  private running = false;
  private attempt = 0;
  private retryTimer: unknown = null;
  private watchdog: unknown = null;
  /** Bumped whenever outstanding callbacks (a scan start, a watchdog) must be ignored. */
  private generation = 0;
  private waiters: (() => void)[] = [];
  private readonly listeners: RadioListeners;
  private readonly load: NobleLoader;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly startTimeoutMs: number;

  constructor(options: NobleRadioOptions = {}) {
    this.load = options.load ?? loadNoble;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? realTimers;
    this.retryInitialMs = options.retryInitialMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 15_000;
    this.listeners = new RadioListeners(options.onListenerError ?? throttledReporter('ble radio'));
  }

  get state(): RadioState {
    return this.current;
  }

  /** Why the radio is unavailable or powered off, for the monitor's device panel. */
  get detail(): string | undefined {
    return this.currentDetail;
  }

  onAdvert(listener: (advert: BleAdvert) => void): Unsubscribe {
    return this.listeners.onAdvert(listener);
  }

  onState(listener: (state: RadioState, detail?: string) => void): Unsubscribe {
    return this.listeners.onState(listener);
  }

  start(): Promise<void> {
    if (this.running) return this.current === 'starting' ? this.settled() : Promise.resolve();
    this.running = true;
    this.attempt = 0;
    this.setState('starting');
    const settled = this.settled();
    if (this.noble && this.reported) this.resume(this.noble);
    else this.attach();
    return settled;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.cancelRetry();
    this.clearWatchdog();
    const noble = this.noble;
    if (noble) {
      this.unlisten(noble);
      try {
        noble.stopScanning();
      } catch {
        // The adapter may already be gone; there is nothing left to stop then.
      }
      // An instance that never came up is useless next time; a working one is kept, because
      // noble's bindings cannot be closed and a fresh one would leak the old one's socket.
      if (!this.reported) this.noble = null;
    }
    this.setState('stopped');
  }

  /** Resolves once the radio leaves `starting`: scanning, unavailable, powered off or stopped. */
  private settled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private setState(state: RadioState, detail?: string): void {
    if (state === this.current && detail === this.currentDetail) return;
    this.current = state;
    this.currentDetail = detail;
    if (state !== 'starting') {
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    }
    this.listeners.emitState(state, detail);
  }

  private attach(): void {
    this.generation++;
    let noble: NobleLike;
    try {
      noble = this.load();
    } catch (error) {
      this.fail(`Bluetooth is not available: ${messageOf(error)}`);
      return;
    }
    this.noble = noble;
    this.reported = false;
    this.listen(noble);
    this.armWatchdog('the Bluetooth adapter reported no state');
  }

  /** A kept instance already reported its state, so no stateChange will come: act on the state now. */
  private resume(noble: NobleLike): void {
    this.listen(noble);
    this.onStateChange(noble.state ?? 'unknown');
  }

  private drop(): void {
    const noble = this.noble;
    if (!noble) return;
    this.noble = null;
    this.unlisten(noble);
    try {
      noble.stopScanning();
    } catch {
      // Its adapter never came up or is gone: nothing to stop.
    }
  }

  private listen(noble: NobleLike): void {
    noble.on('stateChange', this.onStateChange);
    noble.on('discover', this.onDiscover);
    noble.on('scanStop', this.onScanStop);
    noble.on('warning', this.onWarning);
  }

  private unlisten(noble: NobleLike): void {
    noble.removeListener('stateChange', this.onStateChange);
    noble.removeListener('discover', this.onDiscover);
    noble.removeListener('scanStop', this.onScanStop);
    noble.removeListener('warning', this.onWarning);
  }

  private readonly onStateChange = (state: string): void => {
    if (!this.running) return;
    this.reported = true;
    this.clearWatchdog();
    switch (state) {
      case 'poweredOn':
        this.cancelRetry();
        this.startScan();
        return;
      case 'poweredOff':
        // Not retried: noble reports poweredOn when the adapter comes back, and that restarts the scan.
        this.cancelRetry();
        this.attempt = 0;
        this.setState('powered-off', 'the Bluetooth adapter is switched off');
        return;
      case 'resetting':
        this.setState('starting', 'the Bluetooth adapter is resetting');
        this.armWatchdog('the Bluetooth adapter did not come back after a reset');
        return;
      case 'unsupported':
        this.fail('this Bluetooth adapter does not support Bluetooth Low Energy');
        return;
      case 'unauthorized':
        this.fail(UNAUTHORIZED);
        return;
      default:
        this.fail(`the Bluetooth adapter is in state "${state}"`);
    }
  };

  private readonly onWarning = (message: string): void => {
    // Noble turns a bindings init() failure (no such HCI device, socket refused) into this warning
    // and never reports a state afterwards: the instance is dead and only a fresh one can retry.
    if (!this.running || !/initiali[sz]ation .*failed/i.test(String(message))) return;
    this.drop();
    this.fail(`the Bluetooth adapter could not be initialised: ${message}`);
  };

  private readonly onScanStop = (): void => {
    // Our own stop() unlistens first, so this is someone else: another app, an adapter reset.
    if (!this.running || this.current !== 'scanning') return;
    this.setState('starting', 'scanning stopped unexpectedly; restarting it');
    this.scheduleRetry();
  };

  private readonly onDiscover = (peripheral: NoblePeripheral): void => {
    if (!this.running) return;
    // Some bindings never confirm a scan start; adverts arriving are proof enough.
    if (this.current !== 'scanning') this.scanning();
    if (this.listeners.advertListenerCount === 0) return;
    const ad = peripheral.advertisement;
    const manufacturerData = ad?.manufacturerData;
    const serviceData = ad?.serviceData;
    // Buffers and noble's serviceData array are passed through, not copied: this runs per advert.
    this.listeners.emitAdvert({
      address: addressOf(peripheral),
      rssi: peripheral.rssi,
      receivedAt: this.clock.now(),
      manufacturerData: manufacturerData && manufacturerData.length > 0 ? manufacturerData : undefined,
      serviceData: serviceData && serviceData.length > 0 ? serviceData : undefined,
    });
  };

  private startScan(): void {
    const noble = this.noble;
    if (!noble || !this.running) return;
    const generation = ++this.generation;
    this.armWatchdog('scanning did not start');
    try {
      noble.startScanning([], true, (error) => {
        if (generation !== this.generation || !this.running) return;
        if (error) this.fail(`could not start scanning: ${messageOf(error)}`);
        else this.scanning();
      });
    } catch (error) {
      this.fail(`could not start scanning: ${messageOf(error)}`);
    }
  }

  private scanning(): void {
    this.clearWatchdog();
    this.cancelRetry();
    this.attempt = 0;
    this.setState('scanning');
  }

  private fail(detail: string): void {
    if (!this.running) return;
    this.clearWatchdog();
    this.setState('unavailable', detail);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.cancelRetry();
    const delay = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** this.attempt);
    this.attempt++;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.retry();
    }, delay);
  }

  private retry(): void {
    if (!this.running) return;
    const noble = this.noble;
    if (!noble || !this.reported) {
      this.drop();
      this.attach();
      return;
    }
    this.onStateChange(noble.state ?? 'unknown');
  }

  private cancelRetry(): void {
    if (this.retryTimer === null) return;
    this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private armWatchdog(detail: string): void {
    this.clearWatchdog();
    const generation = this.generation;
    this.watchdog = this.timers.setTimeout(() => {
      this.watchdog = null;
      if (generation !== this.generation || !this.running) return;
      if (!this.reported) this.drop();
      this.fail(detail);
    }, this.startTimeoutMs);
  }

  private clearWatchdog(): void {
    if (this.watchdog === null) return;
    this.timers.clearTimeout(this.watchdog);
    this.watchdog = null;
  }
}

function addressOf(peripheral: NoblePeripheral): string {
  const address = peripheral.address;
  // macOS hides addresses: noble reports "" or "unknown" there, and the peripheral's own id instead.
  if (address && address !== 'unknown') return address.toLowerCase();
  return peripheral.id ?? peripheral.uuid ?? 'unknown';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
