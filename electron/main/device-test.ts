// Runs in: main. The wizard's live test of a reader or the radio before IT saves them: "tap a card
// now" answers with the id the chosen reader decoded, and the radio step with the adverts per
// second it hears. A device the station already has open is watched through the device bridge
// (an HID device or a BLE adapter is not opened twice); any other is opened for the test alone.
import type { HidIssue, HidReaderHub, HidTap } from '../../server/store/devices/hid/types.js';
import type { BleScanner } from '../../server/store/devices/radio/types.js';
import type { RadioTestResult, ReaderTestResult, WizardDevicesInput, WizardReaderChoice } from '../shared/bridge-api.js';
import type { DeviceFactories, MainDeviceBridge } from './device-bridge.js';
import { ShellError, shellMessage } from './shell-message.js';
import { parseReaderChoices } from './wizard.js';

export interface DeviceLiveTestOptions {
  bridge: Pick<MainDeviceBridge, 'connectedReaders' | 'hasRadio' | 'watchAdverts' | 'watchTaps' | 'watchIssues' | 'holdRadioForTest' | 'status'>;
  /** The drivers for settings that are not saved yet (realDeviceFactories in the shell). */
  factories: (devices: WizardDevicesInput) => DeviceFactories;
  /** How long "tap a card now" waits; default 20 s. */
  readerTimeoutMs?: number;
  /** How long the radio listens; default 3 s. */
  radioWindowMs?: number;
  /** The radio's listening window; tests pass one that makes the adverts happen. */
  wait?: (ms: number) => Promise<void>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export class DeviceLiveTest {
  private busy = false;

  constructor(private readonly options: DeviceLiveTestOptions) {}

  /** The first card held to the chosen reader within the timeout, as the reader decoded it. */
  async testReader(input: unknown): Promise<ReaderTestResult> {
    const [choice] = parseReaderChoices([input]) as [WizardReaderChoice];
    return this.exclusive(async () => {
      const ids = `${hex4(choice.vendorId)}:${hex4(choice.productId)}`;
      const open = this.options.bridge.connectedReaders().filter((r) => r.vendorId === choice.vendorId && r.productId === choice.productId);
      if (open.length > 0) {
        const readerIds = new Set(open.map((r) => r.id));
        return this.firstRead(
          (onTap, onIssue) => {
            const stopTaps = this.options.bridge.watchTaps((tap) => readerIds.has(tap.readerId) && onTap(tap));
            const stopIssues = this.options.bridge.watchIssues((issue) => issue.readerId !== null && readerIds.has(issue.readerId) && onIssue(issue));
            return () => {
              stopTaps();
              stopIssues();
            };
          },
          (id) => open.find((r) => r.id === id)?.product ?? null,
        );
      }
      const factory = this.options.factories({ radio: false, readers: [choice] }).readers;
      if (!factory) return { ok: false, message: shellMessage('reader.driver', { reason: 'no HID reader driver in this build' }) };
      let hub: HidReaderHub;
      try {
        hub = await factory();
        await hub.start();
      } catch (error) {
        return { ok: false, message: shellMessage('reader.driver', { reason: (error as Error).message }) };
      }
      try {
        const unavailable = hub.unavailable?.() ?? null;
        if (unavailable) return { ok: false, message: shellMessage('reader.driver', { reason: unavailable }) };
        const found = hub.readers().filter((r) => r.vendorId === choice.vendorId && r.productId === choice.productId);
        if (found.length === 0) return { ok: false, message: shellMessage('reader.notFound', { ids }) };
        return await this.firstRead(
          (onTap, onIssue) => {
            const stopTaps = hub.onTap(onTap);
            const stopIssues = hub.onIssue?.((issue) => issue.readerId !== null && onIssue(issue)) ?? (() => {});
            return () => {
              stopTaps();
              stopIssues();
            };
          },
          (id) => found.find((r) => r.id === id)?.product ?? null,
        );
      } finally {
        await hub.stop().catch((error: unknown) => this.options.log?.('warn', `reader test: stop failed: ${(error as Error).message}`));
      }
    });
  }

  /** Adverts heard over the listening window, with the radio turned on for the test if needed. */
  async testRadio(): Promise<RadioTestResult> {
    return this.exclusive(async () => {
      const windowMs = this.options.radioWindowMs ?? 3_000;
      const wait = this.options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
      const seconds = windowMs / 1000;
      const { bridge } = this.options;
      if (bridge.hasRadio()) {
        const release = await bridge.holdRadioForTest();
        try {
          const { state, detail } = bridge.status().radio;
          if (state !== 'scanning') return { ok: false, state, message: shellMessage('radio.unavailable', { state, detail: detail ?? '' }) };
          let adverts = 0;
          const stop = bridge.watchAdverts(() => (adverts += 1));
          try {
            await wait(windowMs);
          } finally {
            stop();
          }
          return { ok: true, state, adverts, seconds, perSecond: adverts / seconds };
        } finally {
          await release();
        }
      }
      // The radio is off in the settings: the adapter is opened for the test alone.
      const factory = this.options.factories({ radio: true, readers: [] }).radio;
      if (!factory) return { ok: false, state: 'absent', message: shellMessage('radio.driver', { reason: 'no BLE driver in this build' }) };
      let scanner: BleScanner;
      try {
        scanner = await factory();
      } catch (error) {
        return { ok: false, state: 'absent', message: shellMessage('radio.driver', { reason: (error as Error).message }) };
      }
      let adverts = 0;
      let detail = '';
      const stops = [scanner.onAdvert(() => (adverts += 1)), scanner.onState((_state, d) => (detail = d ?? ''))];
      try {
        await scanner.start();
        const state = scanner.state;
        if (state !== 'scanning') return { ok: false, state, message: shellMessage('radio.unavailable', { state, detail }) };
        adverts = 0;
        await wait(windowMs);
        return { ok: true, state, adverts, seconds, perSecond: adverts / seconds };
      } finally {
        for (const stop of stops) stop();
        await scanner.stop().catch(() => {});
      }
    });
  }

  /** One test at a time: a second one would fight the first for the same device. */
  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy) throw new ShellError('test.busy', {}, 'a device test is running already');
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  private firstRead(
    subscribe: (onTap: (tap: HidTap) => void, onIssue: (issue: HidIssue) => void) => () => void,
    productOf: (readerId: string) => string | null,
  ): Promise<ReaderTestResult> {
    const timeoutMs = this.options.readerTimeoutMs ?? 20_000;
    return new Promise((resolve) => {
      let unsubscribe = () => {};
      const finish = (result: ReaderTestResult) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(result);
      };
      const timer = setTimeout(() => finish({ ok: false, message: shellMessage('reader.noTap', { seconds: Math.round(timeoutMs / 1000) }) }), timeoutMs);
      unsubscribe = subscribe(
        (tap) => finish({ ok: true, readerId: tap.readerId, product: productOf(tap.readerId), text: tap.text, tag: tap.tag, at: tap.at }),
        // A read that is no tag id (a card the format setting does not fit) ends the test too: IT
        // sees what the reader typed and can change the format.
        (issue) => issue.text !== undefined && finish({ ok: false, message: shellMessage('reader.notTag', { text: issue.text }) }),
      );
    });
  }
}
