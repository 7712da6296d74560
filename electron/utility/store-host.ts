// Runs in: utility process. Starts the headless store server on the main process's request, with
// the radio and readers bridged from the main process, and closes it (outbox flushed) when asked
// to stop. The server functions and the parent port are injected so tests drive it under Node.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretName, SecretStore } from '../../server/store/secrets.js';
import type { StartOptions } from '../../server/store/server.js';
import type { Station } from '../../server/store/station.js';
import { isMainToUtility, type StartRequest, type UtilityToMain } from '../shared/utility-messages.js';
import { BridgedBleScanner, BridgedHidReaderHub, routeDeviceMessage } from './bridged-devices.js';
import { runWizardRequest, WizardActionError, type KioskEnrolment } from './wizard-actions.js';

/** Electron's `process.parentPort`, as far as it is used. */
export interface ParentPortLike {
  postMessage(message: UtilityToMain): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

export interface RunningStoreServer {
  url: string;
  station: Station;
  /** The running app's context: IT's kiosk enrolment goes through its kiosk service. */
  app?: { station: { kiosks: KioskEnrolment } };
  close(): Promise<void>;
}

/** The store-server functions used, injected so tests need no database. */
export interface StoreServerApi {
  isStation(dataDir: string): boolean;
  initStation(options: { dataDir: string; storeId: string; name?: string }): { station: { close(): void }; pin: string };
  generateStoreId(): string;
  startStoreServer(options: StartOptions): Promise<RunningStoreServer>;
  logger?: StartOptions['logger'];
}

/** The secrets the main process unsealed, held in memory; new ones go back to be sealed. */
export class BridgedSecretStore implements SecretStore {
  private readonly values = new Map<string, Buffer>();

  constructor(
    initial: Record<string, string>,
    private readonly post: (message: UtilityToMain) => void,
  ) {
    for (const [name, value] of Object.entries(initial)) this.values.set(name, Buffer.from(value, 'base64'));
  }

  get(name: SecretName): Buffer | undefined {
    const value = this.values.get(name);
    return value === undefined ? undefined : Buffer.from(value);
  }

  set(name: SecretName, value: Buffer): void {
    this.values.set(name, Buffer.from(value));
    this.post({ type: 'secret-set', name, value: value.toString('base64') });
  }

  has(name: string): boolean {
    return this.values.has(name);
  }
}

/** Copies secrets a headless `omnistation init` left in the data folder's file into the sealed
 * store, so a folder prepared on the command line works in the desktop station. */
export function importFileSecrets(dataDir: string, store: BridgedSecretStore): string[] {
  const file = join(dataDir, 'secrets.json');
  if (!existsSync(file)) return [];
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const imported: string[] = [];
  for (const [name, value] of Object.entries(stored)) {
    if (typeof value !== 'string' || store.has(name)) continue;
    store.set(name as SecretName, Buffer.from(value, 'base64'));
    imported.push(name);
  }
  return imported;
}

/** `startStoreServer` options plus the secret store the server is about to accept; passing it
 * through this wider type keeps the call compiling before and after that option exists. */

export interface StoreHost {
  /** Closes the server (if any) and exits; the SIGTERM handler calls it too. */
  shutdown(): Promise<void>;
}

export function runStoreHost(port: ParentPortLike, api: StoreServerApi, exit: (code: number) => void): StoreHost {
  const post = (message: UtilityToMain) => port.postMessage(message);
  const radio = new BridgedBleScanner(post);
  const readers = new BridgedHidReaderHub(post);
  let starting: Promise<RunningStoreServer | null> | null = null;
  let stopping: Promise<void> | null = null;

  async function start(request: StartRequest): Promise<RunningStoreServer | null> {
    try {
      let firstRunPin: string | null = null;
      if (!api.isStation(request.dataDir)) {
        const { station, pin } = api.initStation({
          dataDir: request.dataDir,
          storeId: request.storeId ?? api.generateStoreId(),
          ...(request.storeName ? { name: request.storeName } : {}),
        });
        station.close();
        firstRunPin = pin;
      }
      const options: StartOptions = {
        dataDir: request.dataDir,
        port: request.port,
        host: request.host,
        rendererDir: request.rendererDir,
        devices: { radio, readers },
        ...(api.logger === undefined ? {} : { logger: api.logger }),
      };
      if (request.secrets) {
        const secrets = new BridgedSecretStore(request.secrets, post);
        importFileSecrets(request.dataDir, secrets);
        options.secrets = secrets;
      }
      const server = await api.startStoreServer(options);
      post({ type: 'ready', url: server.url, storeId: server.station.config.storeId, storeName: server.station.config.name, firstRunPin });
      return server;
    } catch (error) {
      post({ type: 'start-failed', message: (error as Error).message });
      exit(1);
      return null;
    }
  }

  function shutdown(): Promise<void> {
    stopping ??= (async () => {
      const server = await starting;
      try {
        await server?.close();
      } finally {
        post({ type: 'stopped' });
        exit(0);
      }
    })();
    return stopping;
  }

  async function wizard(id: number, request: Parameters<typeof runWizardRequest>[1]): Promise<void> {
    const server = stopping ? null : await starting;
    if (!server) {
      post({ type: 'wizard-result', id, ok: false, message: 'the store server is not running', code: 'server.notRunning' });
      return;
    }
    try {
      const progress = (done: number, total: number | null) => post({ type: 'wizard-progress', id, done, total });
      const value = await runWizardRequest(server.station, request, progress, server.app?.station.kiosks ?? null);
      post({ type: 'wizard-result', id, ok: true, value });
    } catch (error) {
      const coded = error instanceof WizardActionError ? { code: error.code, params: error.params } : {};
      post({ type: 'wizard-result', id, ok: false, message: (error as Error).message, ...coded });
    }
  }

  port.on('message', (event) => {
    const message = event.data;
    if (!isMainToUtility(message)) return;
    if (message.type === 'start') {
      if (!starting && !stopping) starting = start(message.request);
    } else if (message.type === 'shutdown') {
      void shutdown();
    } else if (message.type === 'wizard') {
      void wizard(message.id, message.request);
    } else {
      routeDeviceMessage(message, radio, readers);
    }
  });
  return { shutdown };
}
