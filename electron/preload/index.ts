// Runs in: preload (sandboxed, context-isolated). Publishes the one typed bridge to the page.
// Only `electron` and the shared declaration are imported: a sandboxed preload has no Node.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  BRIDGE_GLOBAL,
  CHANNELS,
  type BridgeApi,
  type EventChannel,
  type InvokeArguments,
  type InvokeChannel,
  type InvokeResults,
} from '../shared/bridge-api.js';

/** Channels that take no argument. */
type Plain = { [C in InvokeChannel]: InvokeArguments[C] extends void ? C : never }[InvokeChannel];

function invoke<C extends Plain>(channel: C): Promise<InvokeResults[C]>;
function invoke<C extends InvokeChannel>(channel: C, input: InvokeArguments[C]): Promise<InvokeResults[C]>;
function invoke(channel: InvokeChannel, input?: unknown): Promise<unknown> {
  return input === undefined ? ipcRenderer.invoke(channel) : ipcRenderer.invoke(channel, input);
}

/** Subscribes the page to one push channel; the page never sees the IPC event object (it would
 * hand it `sender`, i.e. ipcRenderer itself). */
function subscribe<T>(channel: EventChannel, listener: (payload: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload as T);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api = {
  shell: { info: () => invoke(CHANNELS.shellInfo) },
  server: {
    status: () => invoke(CHANNELS.serverStatus),
    onStatus: (listener) => subscribe(CHANNELS.serverStatusEvent, listener),
    restart: () => invoke(CHANNELS.serverRestart),
  },
  devices: {
    status: () => invoke(CHANNELS.devicesStatus),
    onStatus: (listener) => subscribe(CHANNELS.devicesStatusEvent, listener),
  },
  kiosk: { info: () => invoke(CHANNELS.kioskInfo) },
  admin: {
    status: () => invoke(CHANNELS.adminStatus),
    unlock: (passphrase) => invoke(CHANNELS.adminUnlock, passphrase),
    lock: () => invoke(CHANNELS.adminLock),
    openWizard: () => invoke(CHANNELS.adminOpenWizard),
    kioskLink: (input) => invoke(CHANNELS.adminKioskLink, input),
  },
  wizard: {
    state: () => invoke(CHANNELS.wizardState),
    chooseStore: (input) => invoke(CHANNELS.wizardStore, input),
    register: (input) => invoke(CHANNELS.wizardRegister, input),
    setCredentials: (input) => invoke(CHANNELS.wizardCredentials, input),
    configureDevices: (input) => invoke(CHANNELS.wizardDevices, input),
    testReader: (input) => invoke(CHANNELS.wizardTestReader, input),
    testRadio: () => invoke(CHANNELS.wizardTestRadio),
    importCatalogue: () => invoke(CHANNELS.wizardCatalogue),
    printLabels: () => invoke(CHANNELS.wizardLabels),
    skip: (step) => invoke(CHANNELS.wizardSkip, step),
    finish: () => invoke(CHANNELS.wizardFinish),
    onProgress: (listener) => subscribe(CHANNELS.wizardProgressEvent, listener),
  },
} satisfies BridgeApi;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, api);
