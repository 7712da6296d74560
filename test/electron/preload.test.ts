// Runs in: node (vitest). The preload bridge against a fake `electron` module: what it exposes,
// under which name, and that pages never get the IPC event object.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_GLOBAL, CHANNELS, type BridgeApi } from '../../electron/shared/bridge-api.js';

const exposed = new Map<string, unknown>();
const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
const invoked: string[] = [];
const args: unknown[][] = [];

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, ...rest: unknown[]) => {
      invoked.push(channel);
      args.push(rest);
      return { channel };
    },
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) => listeners.get(channel)?.delete(listener),
  },
}));

let api: BridgeApi;
beforeAll(async () => {
  await import('../../electron/preload/index.js');
  api = exposed.get(BRIDGE_GLOBAL) as BridgeApi;
});

describe('preload bridge', () => {
  it('exposes exactly one object, under the declared name, with only the declared members', () => {
    expect([...exposed.keys()]).toEqual([BRIDGE_GLOBAL]);
    expect(Object.keys(api).sort()).toEqual(['admin', 'devices', 'kiosk', 'server', 'shell', 'wizard']);
    expect(Object.keys(api.wizard).sort()).toEqual(['chooseStore', 'configureDevices', 'finish', 'importCatalogue', 'onProgress', 'printLabels', 'register', 'setCredentials', 'skip', 'state', 'testRadio', 'testReader']);
    expect(Object.keys(api.admin).sort()).toEqual(['kioskLink', 'lock', 'openWizard', 'status', 'unlock']);
    expect(Object.keys(api.server).sort()).toEqual(['onStatus', 'restart', 'status']);
    // Nothing that would hand the page Electron itself.
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|send|invoke|require/i);
  });

  it('each call goes to its declared channel', async () => {
    await api.shell.info();
    await api.server.status();
    await api.server.restart();
    await api.devices.status();
    await api.kiosk.info();
    expect(invoked).toEqual([CHANNELS.shellInfo, CHANNELS.serverStatus, CHANNELS.serverRestart, CHANNELS.devicesStatus, CHANNELS.kioskInfo]);
  });

  it('wizard calls carry their one argument to the declared channel', async () => {
    invoked.length = 0;
    args.length = 0;
    const devices = { radio: false, readers: [{ vendorId: 1, productId: 2, mode: 'raw' as const, format: 'hex' as const }] };
    await api.wizard.skip('labels');
    await api.wizard.configureDevices(devices);
    await api.wizard.chooseStore({ storeId: 'SHOP-0042', name: 'Gangnam' });
    await api.admin.unlock('correct horse battery');
    await api.wizard.finish();
    await api.wizard.testReader(devices.readers[0]!);
    await api.wizard.testRadio();
    await api.admin.kioskLink({ passphrase: 'correct horse battery', kioskId: 'k1' });
    expect(invoked).toEqual([
      CHANNELS.wizardSkip,
      CHANNELS.wizardDevices,
      CHANNELS.wizardStore,
      CHANNELS.adminUnlock,
      CHANNELS.wizardFinish,
      CHANNELS.wizardTestReader,
      CHANNELS.wizardTestRadio,
      CHANNELS.adminKioskLink,
    ]);
    expect(args).toEqual([
      ['labels'],
      [devices],
      [{ storeId: 'SHOP-0042', name: 'Gangnam' }],
      ['correct horse battery'],
      [],
      [devices.readers[0]],
      [],
      [{ passphrase: 'correct horse battery', kioskId: 'k1' }],
    ]);
  });

  it('subscriptions pass the payload only, and unsubscribe', () => {
    const seen: unknown[] = [];
    const off = api.server.onStatus((status) => seen.push(status));
    const fire = (payload: unknown) => listeners.get(CHANNELS.serverStatusEvent)!.forEach((l) => l({ sender: 'ipcRenderer!' }, payload));
    fire({ state: 'running' });
    off();
    fire({ state: 'stopped' });
    expect(seen).toEqual([{ state: 'running' }]);
    expect(listeners.get(CHANNELS.serverStatusEvent)!.size).toBe(0);
  });
});
