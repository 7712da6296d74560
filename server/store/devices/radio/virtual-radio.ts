// Runs in: node (tests and the demo; never the default in a build). A simulated BLE radio: phones
// that advertise rolling presence codes exactly as DESIGN.md "Presence" says (iBeacon, store UUID,
// major/minor from the session secret and the 30 s window), arbitrary injected frames, and JSONL
// replays of recorded traffic. Time comes from the clock and timer seams, so tests move it by hand.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { systemClock, type Clock } from '../../clock.js';
import { PRESENCE_SECRET_BYTES, presenceCode, presenceWindow } from '../../../protocol/presence-token.js';
import { advertFieldsFromAd, encodeIBeacon, normaliseServiceUuid, parseHex, parseUuid } from '../../../protocol/ble/index.js';
import { RadioListeners, realTimers, throttledReporter, type ListenerErrorReporter, type Timers } from './emitter.js';
import type { BleAdvert, BleScanner, RadioState, Unsubscribe } from './types.js';

export interface VirtualRadioOptions {
  clock?: Clock;
  timers?: Timers;
  onListenerError?: ListenerErrorReporter;
}

export interface VirtualEmitterOptions {
  /** The phone's (random) address; an emitter added again under the same address replaces it. */
  address: string;
  /** The session's 32-byte presence secret. */
  secret: Uint8Array;
  /** The store's proximity UUID. */
  uuid: string;
  /** dBm, fixed or as a function of the time (a shopper walking towards the counter). Default -60. */
  rssi?: number | ((now: number) => number);
  /** Advertising interval; phones use 100 ms to 1 s. Default 1000. */
  intervalMs?: number;
  /** Measured power at 1 m in the frame. Default -59. */
  txPower?: number;
}

/** An advert without its reception time: what an injected or replayed frame carries. */
export type InjectedAdvert = Omit<BleAdvert, 'receivedAt'> & { receivedAt?: number };

export interface ReplayEvent {
  /** Milliseconds after the replay starts. */
  t: number;
  advert: Omit<BleAdvert, 'receivedAt'>;
}

export interface ReplayOptions {
  /** Start over after the last line, `loopGapMs` later (default 1000): background traffic for the demo. */
  loop?: boolean;
  loopGapMs?: number;
}

export interface ReplayHandle {
  /** Lines in the file (or events given). */
  readonly events: number;
  /** Resolves when the last line was played (never, while looping) or the replay was cancelled. */
  readonly done: Promise<void>;
  cancel(): void;
}

export class ReplayError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ReplayError';
  }
}

interface Emitter {
  options: Required<Omit<VirtualEmitterOptions, 'rssi'>> & { rssi: number | ((now: number) => number) };
  uuid: Uint8Array;
  timer: unknown;
  /** The frame of `window`, made once per 30 s window rather than per advert. */
  window: number;
  frame: Uint8Array;
}

interface Replay {
  timer: unknown;
  finish: () => void;
}

export class VirtualRadio implements BleScanner {
  private current: RadioState = 'stopped';
  private currentDetail: string | undefined;
  private readonly emitters = new Map<string, Emitter>();
  private readonly replays = new Set<Replay>();
  private readonly listeners: RadioListeners;
  private readonly clock: Clock;
  private readonly timers: Timers;

  constructor(options: VirtualRadioOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? realTimers;
    this.listeners = new RadioListeners(options.onListenerError ?? throttledReporter('virtual radio'));
  }

  get state(): RadioState {
    return this.current;
  }

  get detail(): string | undefined {
    return this.currentDetail;
  }

  onAdvert(listener: (advert: BleAdvert) => void): Unsubscribe {
    return this.listeners.onAdvert(listener);
  }

  onState(listener: (state: RadioState, detail?: string) => void): Unsubscribe {
    return this.listeners.onState(listener);
  }

  async start(): Promise<void> {
    if (this.current !== 'stopped') return;
    this.setState('scanning');
    for (const emitter of this.emitters.values()) this.schedule(emitter, 0);
  }

  /** Stops emitters (they stay registered for the next start) and ends running replays. */
  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    for (const emitter of this.emitters.values()) this.unschedule(emitter);
    for (const replay of [...this.replays]) replay.finish();
    this.setState('stopped');
  }

  /**
   * Plays an adapter state for the monitor's device panel ('powered-off', 'unavailable' with a
   * detail, back to 'scanning'). Emitters keep ticking, but only a scanning radio hears them.
   */
  simulateState(state: Exclude<RadioState, 'stopped'>, detail?: string): void {
    if (this.current === 'stopped') throw new Error('start the virtual radio before simulating adapter states');
    this.setState(state, detail);
  }

  /** Adds (or replaces) a phone advertising its rolling presence code; returns its remover. */
  addEmitter(options: VirtualEmitterOptions): Unsubscribe {
    const uuid = parseUuid(options.uuid);
    if (!uuid) throw new RangeError(`virtual emitter ${options.address}: "${options.uuid}" is not a UUID`);
    if (options.secret.length !== PRESENCE_SECRET_BYTES) {
      throw new RangeError(`virtual emitter ${options.address}: a presence secret is ${PRESENCE_SECRET_BYTES} bytes`);
    }
    const intervalMs = options.intervalMs ?? 1_000;
    if (!(intervalMs >= 1)) throw new RangeError(`virtual emitter ${options.address}: intervalMs must be at least 1`);
    const address = options.address.toLowerCase();
    this.removeEmitter(address);
    const emitter: Emitter = {
      options: { address, secret: options.secret, uuid: options.uuid, rssi: options.rssi ?? -60, intervalMs, txPower: options.txPower ?? -59 },
      uuid,
      timer: null,
      window: -1,
      frame: new Uint8Array(0),
    };
    // A bad txPower throws here, at the call that made the mistake, not later in a timer.
    this.frameOf(emitter, this.clock.now());
    this.emitters.set(address, emitter);
    if (this.current !== 'stopped') this.schedule(emitter, 0);
    return () => {
      if (this.emitters.get(address) === emitter) this.removeEmitter(address);
    };
  }

  removeEmitter(address: string): boolean {
    const key = address.toLowerCase();
    const emitter = this.emitters.get(key);
    if (!emitter) return false;
    this.unschedule(emitter);
    this.emitters.delete(key);
    return true;
  }

  emitterAddresses(): string[] {
    return [...this.emitters.keys()];
  }

  /** Hands one advert to the listeners now, as if heard; false (dropped) unless the radio is scanning. */
  inject(advert: InjectedAdvert): boolean {
    if (this.current !== 'scanning') return false;
    this.listeners.emitAdvert({ ...advert, receivedAt: advert.receivedAt ?? this.clock.now() });
    return true;
  }

  /**
   * Replays a JSONL recording (see parseReplay). The whole file is read and checked first: a bad
   * line throws a ReplayError naming it and nothing of the file is played.
   */
  async replay(file: string, options: ReplayOptions = {}): Promise<ReplayHandle> {
    const text = await readFile(file, 'utf8');
    return this.replayEvents(parseReplay(text, basename(file)), options);
  }

  replayEvents(events: readonly ReplayEvent[], options: ReplayOptions = {}): ReplayHandle {
    const ordered = [...events].sort((a, b) => a.t - b.t);
    const loopGapMs = options.loopGapMs ?? 1_000;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const replay: Replay = {
      timer: null,
      finish: () => {
        if (!this.replays.delete(replay)) return;
        if (replay.timer !== null) this.timers.clearTimeout(replay.timer);
        replay.timer = null;
        finish();
      },
    };
    this.replays.add(replay);
    // One timer at a time, each waiting for the gap to the next line: a long recording does not
    // put thousands of timers on the loop.
    const playFrom = (index: number, previousT: number) => {
      const event = ordered[index];
      if (event === undefined) {
        if (options.loop && ordered.length > 0) {
          replay.timer = this.timers.setTimeout(() => playFrom(0, ordered[0]!.t), loopGapMs);
        } else {
          replay.finish();
        }
        return;
      }
      replay.timer = this.timers.setTimeout(() => {
        replay.timer = null;
        this.inject(event.advert);
        playFrom(index + 1, event.t);
      }, Math.max(0, event.t - previousT));
    };
    playFrom(0, 0);
    return { events: ordered.length, done, cancel: () => replay.finish() };
  }

  private setState(state: RadioState, detail?: string): void {
    if (state === this.current && detail === this.currentDetail) return;
    this.current = state;
    this.currentDetail = detail;
    this.listeners.emitState(state, detail);
  }

  private schedule(emitter: Emitter, delay: number): void {
    this.unschedule(emitter);
    emitter.timer = this.timers.setTimeout(() => {
      emitter.timer = null;
      if (this.emitters.get(emitter.options.address) !== emitter || this.current === 'stopped') return;
      this.advertise(emitter);
      this.schedule(emitter, emitter.options.intervalMs);
    }, delay);
  }

  private unschedule(emitter: Emitter): void {
    if (emitter.timer === null) return;
    this.timers.clearTimeout(emitter.timer);
    emitter.timer = null;
  }

  private advertise(emitter: Emitter): void {
    if (this.current !== 'scanning') return;
    const now = this.clock.now();
    const { rssi } = emitter.options;
    this.listeners.emitAdvert({
      address: emitter.options.address,
      rssi: typeof rssi === 'function' ? rssi(now) : rssi,
      receivedAt: now,
      manufacturerData: this.frameOf(emitter, now),
    });
  }

  private frameOf(emitter: Emitter, now: number): Uint8Array {
    const window = presenceWindow(now);
    if (window !== emitter.window) {
      const { major, minor } = presenceCode(emitter.options.secret, window);
      emitter.frame = encodeIBeacon({ uuid: emitter.uuid, major, minor, txPower: emitter.options.txPower });
      emitter.window = window;
    }
    return emitter.frame;
  }
}

const REPLAY_KEYS = new Set(['t', 'address', 'rssi', 'manufacturerData', 'serviceData', 'raw']);

/**
 * Parses a replay recording: one JSON object per line,
 * `{"t": ms offset, "address", "rssi", "manufacturerData"?: hex, "serviceData"?: [{"uuid", "data": hex}], "raw"?: hex}`.
 * Blank lines are skipped. A line with only `raw` also gets the manufacturer and service data an
 * adapter would have reported for it. Throws a ReplayError naming the first bad line.
 */
export function parseReplay(text: string, file = 'replay'): ReplayEvent[] {
  const events: ReplayEvent[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fail = (reason: string): never => {
      throw new ReplayError(file, i + 1, reason);
    };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      fail(`not JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('each line is one JSON object');
    const record = value as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !REPLAY_KEYS.has(key));
    if (unknown.length > 0) fail(`unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: ${[...REPLAY_KEYS].join(', ')}`);
    const { t, address, rssi } = record;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) fail('"t" must be a non-negative number of milliseconds');
    if (typeof address !== 'string' || address.trim() === '') fail('"address" must be a non-empty string');
    if (typeof rssi !== 'number' || !Number.isFinite(rssi) || rssi < -127 || rssi > 127) fail('"rssi" must be a number of dBm (-127..127)');
    const hexField = (name: string, raw: unknown): Uint8Array => {
      if (typeof raw !== 'string') return fail(`"${name}" must be a hex string`);
      const parsed = parseHex(raw);
      return parsed.ok ? parsed.bytes : fail(`"${name}": ${parsed.error}`);
    };
    const advert: ReplayEvent['advert'] = { address: (address as string).trim().toLowerCase(), rssi: rssi as number };
    if (record.manufacturerData !== undefined) advert.manufacturerData = hexField('manufacturerData', record.manufacturerData);
    if (record.serviceData !== undefined) {
      if (!Array.isArray(record.serviceData)) fail('"serviceData" must be an array of {"uuid", "data"}');
      advert.serviceData = (record.serviceData as unknown[]).map((entry, n) => {
        const where = `serviceData[${n}]`;
        if (typeof entry !== 'object' || entry === null) return fail(`"${where}" must be {"uuid", "data"}`);
        const { uuid, data } = entry as Record<string, unknown>;
        const normalised = typeof uuid === 'string' ? normaliseServiceUuid(uuid) : null;
        if (normalised === null) return fail(`"${where}.uuid" is not a service UUID`);
        return { uuid: normalised, data: hexField(`${where}.data`, data) };
      });
    }
    if (record.raw !== undefined) {
      advert.raw = hexField('raw', record.raw);
      // Broken raw data is kept as recorded (replays of hostile traffic are the point); only sound
      // data is split into the fields a real adapter would report.
      const fields = advertFieldsFromAd(advert.raw);
      if (fields.ok) {
        if (advert.manufacturerData === undefined && fields.manufacturerData) advert.manufacturerData = fields.manufacturerData;
        if (advert.serviceData === undefined && fields.serviceData) advert.serviceData = fields.serviceData;
      }
    }
    events.push({ t: t as number, advert });
  }
  return events;
}
