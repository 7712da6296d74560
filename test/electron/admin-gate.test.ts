// Runs in: node (vitest). The admin passphrase guarding IT's actions: the scrypt hash and its
// check, unlocking per window with an idle timeout, the slow-down after wrong guesses, and the
// bridge's wizard/admin channels refusing a locked window (re-running the wizard, changing the
// radio and readers) while the window that set the passphrase stays unlocked.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS, type WizardState } from '../../electron/shared/bridge-api.js';
import { AdminGate, hashAdminPassphrase, SCRYPT_PARAMS, verifyAdminPassphrase } from '../../electron/main/admin-gate.js';
import { configOfDevices, devicesOfConfig, parseShellConfig } from '../../electron/main/config.js';
import { realDeviceFactories } from '../../electron/main/real-devices.js';
import { isOpenWizardShortcut } from '../../electron/main/windows.js';
import { Wizard } from '../../electron/main/wizard.js';
import { adminWizardHandlers } from '../../electron/main/wizard-handlers.js';
import { ShellError } from '../../electron/main/shell-message.js';

const FAST = { N: 1024, r: 8, p: 1 };
const PASS = 'correct horse battery';

describe('admin passphrase hash', () => {
  it('scrypt with its parameters and a fresh salt; only the exact passphrase verifies', async () => {
    const hash = await hashAdminPassphrase(PASS);
    expect(hash).toMatch(new RegExp(`^scrypt\\$${SCRYPT_PARAMS.N}\\$8\\$1\\$[\\w-]{22}\\$[\\w-]{43}$`));
    expect(await hashAdminPassphrase(PASS)).not.toBe(hash);
    expect(await verifyAdminPassphrase(PASS, hash)).toBe(true);
    for (const wrong of ['correct horse batter', 'Correct horse battery', `${PASS} `, '']) expect(await verifyAdminPassphrase(wrong, hash)).toBe(false);
    // The same text typed in another normal form (NFD Hangul) is the same passphrase.
    const korean = await hashAdminPassphrase('가게 관리자 암호 문구', FAST);
    expect(await verifyAdminPassphrase('가게 관리자 암호 문구'.normalize('NFD'), korean)).toBe(true);
  });

  it('a malformed or tampered hash verifies nothing and cannot make the shell hang', async () => {
    const hash = await hashAdminPassphrase(PASS, FAST);
    const parts = hash.split('$');
    const swap = (i: number, v: string) => parts.map((p, j) => (j === i ? v : p)).join('$');
    for (const bad of ['', 'unreadable', hash.replace('scrypt', 'bcrypt'), swap(1, '1000'), swap(1, String(1 << 24)), swap(2, '0'), swap(3, '99'), swap(4, 'c2hvcnQ'), swap(5, 'AAAA'), `${hash}$x`]) {
      expect(await verifyAdminPassphrase(PASS, bad)).toBe(false);
    }
  });
});

describe('admin gate', () => {
  async function gate(options: { hash?: string | null; idleMs?: number } = {}) {
    let now = 1_000_000;
    const hash = options.hash === undefined ? await hashAdminPassphrase(PASS, FAST) : options.hash;
    let stored: string | null = hash;
    const g = new AdminGate({ loadHash: () => stored, now: () => now, ...(options.idleMs ? { idleMs: options.idleMs } : {}) });
    return { g, advance: (ms: number) => (now += ms), setHash: (h: string | null) => (stored = h), now: () => now };
  }

  it('before any passphrase exists everything is open (first run); afterwards nothing is', async () => {
    const { g, setHash } = await gate({ hash: null });
    expect(g.status(1)).toEqual({ set: false, unlocked: true, until: null });
    expect(() => g.require(1, 'x')).not.toThrow();
    expect(await g.unlock(1, PASS)).toEqual({ ok: false, reason: 'not-set', retryAt: null });
    setHash(await hashAdminPassphrase(PASS, FAST));
    expect(() => g.require(1, 're-running the wizard')).toThrow(/re-running the wizard needs the admin passphrase/);
  });

  it('unlocks one window, for a while after its last IT action; lock and close end it', async () => {
    const { g, advance, now } = await gate({ idleMs: 60_000 });
    expect(await g.unlock(1, 'wrong guess here')).toMatchObject({ ok: false, reason: 'wrong' });
    expect(await g.unlock(1, PASS)).toEqual({ ok: true, until: now() + 60_000 });
    expect(g.isUnlocked(1)).toBe(true);
    expect(g.isUnlocked(2)).toBe(false);
    advance(50_000);
    g.require(1, 'x'); // keeps it alive
    advance(50_000);
    expect(g.isUnlocked(1)).toBe(true);
    advance(10_001);
    expect(g.isUnlocked(1)).toBe(false);
    expect(() => g.require(1, 'x')).toThrow();
    g.grant(1);
    g.lock(1);
    expect(g.status(1)).toEqual({ set: true, unlocked: false, until: null });
    expect(await g.unlock(1, { toString: () => PASS })).toMatchObject({ ok: false });
  });

  it('wrong guesses slow down for every window, doubling; the right one resets the count', async () => {
    const { g, advance, now } = await gate();
    for (let i = 0; i < 4; i += 1) expect(await g.unlock(1, `guess ${i}`)).toEqual({ ok: false, reason: 'wrong', retryAt: null });
    const fifth = await g.unlock(2, 'guess 4');
    expect(fifth).toEqual({ ok: false, reason: 'wrong', retryAt: now() + 30_000 });
    // Even the right passphrase waits, and from another window too.
    expect(await g.unlock(3, PASS)).toEqual({ ok: false, reason: 'throttled', retryAt: now() + 30_000 });
    advance(30_000);
    expect(await g.unlock(3, 'guess 5')).toEqual({ ok: false, reason: 'wrong', retryAt: now() + 60_000 });
    advance(60_000);
    // Guesses sent together are checked one after another, so they cannot slip past the wait.
    const burst = await Promise.all([g.unlock(1, 'a1'), g.unlock(1, 'a2'), g.unlock(1, PASS)]);
    expect(burst.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['wrong', 'throttled', 'throttled']);
    advance(15 * 60_000);
    expect(await g.unlock(1, PASS)).toMatchObject({ ok: true });
    expect(await g.unlock(1, 'again wrong')).toEqual({ ok: false, reason: 'wrong', retryAt: null });
  });
});

describe('wizard and admin channels', () => {
  const GOOD = { pin: '582913', pinConfirm: '582913', passphrase: PASS, passphraseConfirm: PASS };

  async function setup() {
    let hash: string | null = null;
    const hooks = { registered: 0, finished: 0, opened: 0 };
    const links: { kioskId: string; name: string | null; readerIds: string[] }[] = [];
    const devices = { radio: true, readers: [] as never[] };
    const wizard = new Wizard({
      actions: {
        register: async () => ({ storeId: 'SHOP-0042' }),
        setStaffPin: async () => {},
        importCatalogue: async () => ({ products: 1, tags: 0 }),
        writeLabels: async () => ({ labels: 1, pages: 1 }),
      },
      stateFile: join(mkdtempSync(join(tmpdir(), 'omni-admin-')), 'wizard-state.json'),
      createStore: async (c) => c,
      saveAdminPassphraseHash: (h) => void (hash = h),
      saveDevices: async () => {},
      currentDevices: () => devices,
      pickCatalogueFile: async () => '/c.csv',
      pickLabelsFile: async () => null,
      openFile: async () => {},
    });
    const gate = new AdminGate({ loadHash: () => hash });
    const handlers = adminWizardHandlers(wizard, gate, {
      registered: () => void (hooks.registered += 1),
      finished: () => void (hooks.finished += 1),
      openWizard: () => void (hooks.opened += 1),
      liveTest: {
        testReader: async () => ({ ok: true, readerId: 'r1', product: null, text: '04A1', tag: '04A1', at: 1 }),
        testRadio: async () => ({ ok: true, state: 'scanning', adverts: 6, seconds: 3, perSecond: 2 }),
      },
      kioskLink: async (kioskId, name, readerIds) => {
        links.push({ kioskId, name, readerIds });
        if (kioskId === 'gone') throw new ShellError('kiosk.notFound', {}, 'No such kiosk.');
        return { kioskId, name, link: `https://shop.example/kiosk/#token=t-${kioskId}` };
      },
    });
    const call = async (channel: keyof typeof handlers, senderId: number, input?: unknown) =>
      (handlers[channel] as (c: { role: 'wizard'; senderId: number }, i: unknown) => unknown)({ role: 'wizard', senderId }, input);
    return { call, hooks, gate, links };
  }

  it('first run: open until the passphrase is set; the window that set it stays unlocked, others not', async () => {
    const { call, gate } = await setup();
    await call(CHANNELS.wizardStore, 7, { storeId: 'SHOP-0042', name: 'Gangnam' });
    const state = (await call(CHANNELS.wizardCredentials, 7, GOOD)) as WizardState;
    expect(state.locked).toBe(false);
    expect(gate.isSet()).toBe(true);
    expect(((await call(CHANNELS.wizardState, 7)) as WizardState).locked).toBe(false);
    // The wizard opened again later (a new window): locked, and every action refused.
    expect(((await call(CHANNELS.wizardState, 8)) as WizardState).locked).toBe(true);
    for (const [channel, input] of [
      [CHANNELS.wizardDevices, { radio: false, readers: [] }],
      [CHANNELS.wizardCredentials, GOOD],
      [CHANNELS.wizardSkip, 'labels'],
      [CHANNELS.wizardCatalogue, undefined],
      [CHANNELS.wizardFinish, undefined],
      [CHANNELS.wizardRegister, { centralUrl: 'https://c.example', adminToken: 't', address: 'a' }],
    ] as const) {
      await expect(call(channel, 8, input)).rejects.toThrow(/needs the admin passphrase/);
    }
    expect(await call(CHANNELS.adminUnlock, 8, 'not it at all')).toMatchObject({ ok: false, reason: 'wrong' });
    expect(await call(CHANNELS.adminUnlock, 8, PASS)).toMatchObject({ ok: true });
    const devices = (await call(CHANNELS.wizardDevices, 8, { radio: false, readers: [] })) as WizardState;
    expect(devices).toMatchObject({ locked: false });
    expect(await call(CHANNELS.adminLock, 8)).toEqual({ set: true, unlocked: false, until: null });
    await expect(call(CHANNELS.wizardSkip, 8, 'labels')).rejects.toThrow(/needs the admin passphrase/);
  });

  it('registration restarts the store server, finishing opens the station, the monitor may reopen the wizard', async () => {
    const { call, hooks } = await setup();
    await call(CHANNELS.wizardStore, 1, { storeId: 'SHOP-0042', name: 'Gangnam' });
    await call(CHANNELS.wizardRegister, 1, { centralUrl: 'https://c.example', adminToken: 't', address: 'a' });
    await call(CHANNELS.wizardCredentials, 1, GOOD);
    await call(CHANNELS.wizardSkip, 1, 'devices');
    await call(CHANNELS.wizardCatalogue, 1);
    await call(CHANNELS.wizardSkip, 1, 'labels');
    await call(CHANNELS.wizardFinish, 1);
    await call(CHANNELS.adminOpenWizard, 2);
    expect(hooks).toEqual({ registered: 1, finished: 1, opened: 1 });
  });

  it('the live device tests are IT actions: locked windows may not run them', async () => {
    const { call } = await setup();
    await call(CHANNELS.wizardStore, 7, { storeId: 'SHOP-0042', name: 'Gangnam' });
    // Before a passphrase exists (first run) they run.
    expect(await call(CHANNELS.wizardTestRadio, 9)).toMatchObject({ ok: true, perSecond: 2 });
    await call(CHANNELS.wizardCredentials, 7, GOOD);
    expect(await call(CHANNELS.wizardTestReader, 7, { vendorId: 1, productId: 2, mode: 'raw', format: 'hex' })).toMatchObject({ ok: true, tag: '04A1' });
    await expect(call(CHANNELS.wizardTestReader, 8, { vendorId: 1, productId: 2, mode: 'raw', format: 'hex' })).rejects.toMatchObject({
      code: 'admin.locked',
      params: { action: 'devices' },
    });
    await expect(call(CHANNELS.wizardTestRadio, 8)).rejects.toThrow(/testing the radio needs the admin passphrase/);
  });

  it('a kiosk link from the monitor needs the passphrase each time, and leaves the window locked', async () => {
    const { call, gate, links } = await setup();
    // No passphrase yet: refused, nothing made.
    expect(await call(CHANNELS.adminKioskLink, 2, { passphrase: PASS, kioskId: 'k1' })).toEqual({ ok: false, reason: 'not-set', retryAt: null });
    await call(CHANNELS.wizardStore, 7, { storeId: 'SHOP-0042', name: 'Gangnam' });
    await call(CHANNELS.wizardCredentials, 7, GOOD);
    expect(await call(CHANNELS.adminKioskLink, 2, { passphrase: 'not the passphrase', kioskId: 'k1' })).toEqual({ ok: false, reason: 'wrong', retryAt: null });
    expect(links).toEqual([]);
    expect(await call(CHANNELS.adminKioskLink, 2, { passphrase: PASS, kioskId: 'k1' })).toEqual({
      ok: true,
      kioskId: 'k1',
      name: null,
      link: 'https://shop.example/kiosk/#token=t-k1',
    });
    expect(gate.isUnlocked(2)).toBe(false);
    // Enrolling a new kiosk: its name and readers go along.
    expect(await call(CHANNELS.adminKioskLink, 2, { passphrase: PASS, kioskId: 'k2', name: ' Entrance ', readerIds: ['/dev/hidraw1'] })).toMatchObject({ ok: true, name: 'Entrance' });
    expect(links).toEqual([
      { kioskId: 'k1', name: null, readerIds: [] },
      { kioskId: 'k2', name: 'Entrance', readerIds: ['/dev/hidraw1'] },
    ]);
    // The store server's refusal comes back as a code for the monitor to word.
    expect(await call(CHANNELS.adminKioskLink, 2, { passphrase: PASS, kioskId: 'gone' })).toEqual({
      ok: false,
      reason: 'failed',
      message: { code: 'kiosk.notFound', params: {} },
    });
    // Hostile input is refused before the passphrase is even checked.
    for (const input of [null, 'k1', { passphrase: PASS }, { passphrase: PASS, kioskId: '../x' }, { passphrase: PASS, kioskId: 'k', name: '' }, { passphrase: 7, kioskId: 'k' }, { passphrase: PASS, kioskId: 'k', readerIds: 'r' }]) {
      await expect(call(CHANNELS.adminKioskLink, 2, input)).rejects.toMatchObject({ code: 'kiosk.badInput' });
    }
    expect(links).toHaveLength(3);
  });
});

describe('device settings', () => {
  it('station-config.json: radio on/off and reader card formats, bad values fall back with a note', () => {
    expect(parseShellConfig({}).config).toMatchObject({ radio: 'noble', readers: [] });
    const good = parseShellConfig({ radio: 'off', readers: [{ vendorId: 0x072f, productId: 0x2200, mode: 'keyboard-wedge', format: 'decimal' }] });
    expect(good).toEqual({ config: expect.objectContaining({ radio: 'off', readers: [{ vendorId: 0x072f, productId: 0x2200, mode: 'keyboard-wedge', format: 'decimal' }] }), problems: [] });
    const bad = parseShellConfig({ radio: 'bluetooth', readers: [{ vendorId: 1, productId: 2, mode: 'raw', format: 'octal' }] });
    expect(bad.config).toMatchObject({ radio: 'noble', readers: [] });
    expect(bad.problems).toEqual([expect.stringMatching(/^radio/), expect.stringMatching(/^readers/)]);
    expect(parseShellConfig({ readers: [{ vendorId: 70000, productId: 2, mode: 'raw' }] }).problems).toHaveLength(1);
  });

  it('the wizard\'s choice and the config convert both ways', () => {
    const chosen = { radio: false, readers: [{ vendorId: 1, productId: 2, mode: 'raw' as const, format: 'hex' as const }] };
    expect(devicesOfConfig({ ...parseShellConfig({}).config, ...configOfDevices(chosen) })).toEqual(chosen);
    expect(devicesOfConfig({ radio: 'noble', readers: [{ vendorId: 1, productId: 2, mode: 'keyboard-wedge' }] }).readers[0]!.format).toBe('auto');
  });

  it('the device bridge starts with what the config says: no radio driver at all when it is off', () => {
    expect(realDeviceFactories({ radio: 'off', readers: [] }).radio).toBeUndefined();
    const on = realDeviceFactories({ radio: 'noble', readers: [{ vendorId: 1, productId: 2, mode: 'raw', format: 'hex' }] });
    expect(typeof on.radio).toBe('function');
    expect(typeof on.readers).toBe('function');
  });

  it('the monitor\'s shortcut back into the wizard', () => {
    const key = { type: 'keyDown', key: 'S', control: true, meta: false, alt: true, shift: true };
    expect(isOpenWizardShortcut(key)).toBe(true);
    expect(isOpenWizardShortcut({ ...key, alt: false })).toBe(false);
    expect(isOpenWizardShortcut({ ...key, type: 'keyUp' })).toBe(false);
  });
});
