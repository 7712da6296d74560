// Runs in: node (vitest). IPC sender validation: only the top frame of a station window on one of
// the app's origins reaches a handler, and only on the channels its role may use.
import { describe, expect, it } from 'vitest';
import { CHANNELS, type InvokeChannel } from '../../electron/shared/bridge-api.js';
import { registerBridgeHandlers, validateSender, WindowRegistry, type BridgeHandlers, type IpcInvokeEventLike } from '../../electron/main/ipc.js';
import { APP_ORIGIN } from '../../electron/main/security.js';
import { decodePageError, ShellError } from '../../electron/main/shell-message.js';

const SERVER = 'http://127.0.0.1:8080';
const allowed = () => [APP_ORIGIN, SERVER];

function contents() {
  const sent: [string, unknown][] = [];
  return { sent, destroyed: false, send(channel: string, payload: unknown) { sent.push([channel, payload]); }, isDestroyed() { return this.destroyed; } };
}

function event(id: number, url: string | null, parent: unknown = null): IpcInvokeEventLike {
  return { sender: { id }, senderFrame: url === null ? null : { url, parent } };
}

describe('IPC sender validation', () => {
  const registry = new WindowRegistry();
  registry.add(1, 'monitor', contents());
  registry.add(2, 'kiosk', contents());

  it('accepts the top frame of a known window on the app origin', () => {
    expect(validateSender(event(1, `${SERVER}/monitor/`), CHANNELS.serverStatus, registry, allowed)).toEqual({ ok: true, role: 'monitor' });
    expect(validateSender(event(2, 'app://station/starting.html'), CHANNELS.kioskInfo, registry, allowed)).toEqual({ ok: true, role: 'kiosk' });
  });

  it.each([
    ['an unknown webContents', event(9, `${SERVER}/monitor/`), /not a station window/],
    ['a frame that is gone', event(1, null), /gone/],
    ['a sub-frame', event(1, `${SERVER}/monitor/`, { url: SERVER }), /sub-frame/],
    ['a foreign origin', event(1, 'https://evil.example/'), /not the app's/],
    ['a look-alike port', event(1, 'http://127.0.0.1:8081/monitor/'), /not the app's/],
  ])('refuses %s', (_name, e, reason) => {
    const verdict = validateSender(e, CHANNELS.serverStatus, registry, allowed);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });

  it('refuses a kiosk asking for a monitor-only channel', () => {
    const verdict = validateSender(event(2, `${SERVER}/kiosk/`), CHANNELS.serverRestart, registry, allowed);
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/kiosk may not call/) });
  });

  it('registered handlers run only for valid senders and never leak the reason to the page', async () => {
    const registered = new Map<string, (e: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
    const refused: string[] = [];
    let restarts = 0;
    const received: unknown[] = [];
    const wizardState = { steps: [], busy: null, complete: false, store: null, devices: { radio: true, readers: [] }, locked: false };
    const handlers: BridgeHandlers = {
      [CHANNELS.shellInfo]: () => ({ appVersion: '1', platform: 'linux', packaged: false, updateChannel: 'latest' }),
      [CHANNELS.serverStatus]: () => ({ state: 'running', url: SERVER, restarts: 0, attempt: 0, maxAttempts: 12, nextRestartAt: null, lastExit: null }),
      [CHANNELS.serverRestart]: () => {
        restarts += 1;
      },
      [CHANNELS.devicesStatus]: () => ({ radio: { state: 'absent', detail: null, advertsSeen: 0, enabled: false }, readers: { detail: null, connected: [], lastRead: null, lastIssue: null } }),
      [CHANNELS.kioskInfo]: ({ role }) => ({ locked: role === 'kiosk', displayLabel: 'd' }),
      [CHANNELS.adminStatus]: () => ({ set: true, unlocked: false, until: null }),
      [CHANNELS.adminUnlock]: () => ({ ok: false, reason: 'wrong', retryAt: null }),
      [CHANNELS.adminLock]: () => ({ set: true, unlocked: false, until: null }),
      [CHANNELS.adminOpenWizard]: () => {},
      [CHANNELS.adminKioskLink]: () => ({ ok: false, reason: 'wrong', retryAt: null }),
      [CHANNELS.wizardTestReader]: () => {
        throw new ShellError('reader.notFound', { ids: '072f:2200' }, 'no such reader');
      },
      [CHANNELS.wizardTestRadio]: () => ({ ok: true, state: 'scanning', adverts: 3, seconds: 3, perSecond: 1 }),
      [CHANNELS.wizardStore]: () => wizardState,
      [CHANNELS.wizardState]: () => wizardState,
      [CHANNELS.wizardRegister]: (_c, input) => {
        received.push(input);
        return wizardState;
      },
      [CHANNELS.wizardCredentials]: () => wizardState,
      [CHANNELS.wizardDevices]: () => wizardState,
      [CHANNELS.wizardCatalogue]: () => wizardState,
      [CHANNELS.wizardLabels]: () => wizardState,
      [CHANNELS.wizardSkip]: () => wizardState,
      [CHANNELS.wizardFinish]: () => wizardState,
    };
    registerBridgeHandlers({ handle: (channel, listener) => registered.set(channel, listener as never) }, handlers, registry, allowed, (c, r) => refused.push(`${c}: ${r}`));
    expect([...registered.keys()].sort()).toEqual((Object.values(CHANNELS).filter((c) => !c.endsWith('-event')) as InvokeChannel[]).sort());
    await expect(registered.get(CHANNELS.kioskInfo)!(event(2, `${SERVER}/kiosk/`))).resolves.toEqual({ locked: true, displayLabel: 'd' });
    await expect(registered.get(CHANNELS.serverRestart)!(event(2, `${SERVER}/kiosk/`))).rejects.toThrow(/^refused omnistation-message:\{"code":"ipc.refused"/);
    await expect(registered.get(CHANNELS.serverRestart)!(event(1, 'https://evil.example/'))).rejects.toThrow(/^refused omnistation-message:\{"code":"ipc.refused"/);
    expect(restarts).toBe(0);
    await registered.get(CHANNELS.serverRestart)!(event(1, `${SERVER}/monitor/`));
    expect(restarts).toBe(1);
    expect(refused).toHaveLength(2);
    // The page's argument reaches the handler as is (it parses it); only the wizard window may send it.
    registry.add(3, 'wizard', contents());
    await registered.get(CHANNELS.wizardRegister)!(event(3, 'app://station/wizard.html'), { centralUrl: 'x' } as never);
    expect(received).toEqual([{ centralUrl: 'x' }]);
    await expect(registered.get(CHANNELS.wizardRegister)!(event(1, `${SERVER}/monitor/`))).rejects.toThrow(/^refused omnistation-message:\{"code":"ipc.refused"/);
    // The admin passphrase is IT's: the shopper-facing kiosk may not even try it.
    await expect(registered.get(CHANNELS.adminUnlock)!(event(2, `${SERVER}/kiosk/`), 'guess')).rejects.toThrow(/^refused omnistation-message:\{"code":"ipc.refused"/);
    await expect(registered.get(CHANNELS.adminUnlock)!(event(1, `${SERVER}/monitor/`), 'guess')).resolves.toMatchObject({ ok: false });
    // A handler's coded error reaches the page as its English and the code, which the page words.
    const failure = await registered.get(CHANNELS.wizardTestReader)!(event(3, 'app://station/wizard.html'), {}).catch((error: Error) => error);
    expect((failure as Error).message).toMatch(/^no such reader omnistation-message:/);
    expect(decodePageError((failure as Error).message)).toEqual({ code: 'reader.notFound', params: { ids: '072f:2200' } });
    // Kiosk enrolment is the monitor's (staff screen), never the kiosk's or the wizard's.
    await expect(registered.get(CHANNELS.adminKioskLink)!(event(2, `${SERVER}/kiosk/`), {})).rejects.toThrow(/^refused/);
    await expect(registered.get(CHANNELS.adminKioskLink)!(event(3, 'app://station/wizard.html'), {})).rejects.toThrow(/^refused/);
    await expect(registered.get(CHANNELS.adminKioskLink)!(event(1, `${SERVER}/monitor/`), {})).resolves.toMatchObject({ ok: false });
  });

  it('broadcasts to live windows and forgets destroyed ones', () => {
    const reg = new WindowRegistry();
    const a = contents();
    const b = contents();
    reg.add(1, 'monitor', a);
    reg.add(2, 'kiosk', b);
    b.destroyed = true;
    reg.broadcast(CHANNELS.serverStatusEvent, { state: 'running' });
    expect(a.sent).toEqual([[CHANNELS.serverStatusEvent, { state: 'running' }]]);
    expect(b.sent).toEqual([]);
    expect(reg.roleOf(2)).toBeUndefined();
  });
});
