// Runs in: node. Puts the store server on a port; the CLI and the Electron utility process call it.
import { fileURLToPath } from 'node:url';
import type { FastifyServerOptions } from 'fastify';
import { buildApp, type AppOptions, type StoreApp } from './app.js';
import { openStation, writeSetting, type Station } from './station.js';
import { CentralClient } from './sync/central-client.js';
import { systemClock } from './clock.js';
import type { SecretStore } from './secrets.js';
import { LazyEngineJudge } from './modules/approval/judge.js';
import { startRetention } from './retention.js';
import { startCheckpointer } from './checkpointer.js';

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
const EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface RunningServer {
  app: StoreApp;
  station: Station;
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  port: number;
  host?: string;
  logger?: FastifyServerOptions['logger'];
  rendererDir?: string;
  rateLimits?: AppOptions['rateLimits'];
  /** Overrides the registered central URL (central moved); the store key stays. */
  centralUrl?: string;
  presence?: AppOptions['presence'];
  approval?: AppOptions['approval'];
  /** Started after the server listens, stopped when it closes. */
  devices?: AppOptions['devices'];
  /** The station's keys; default the data folder's file (the desktop shell passes safeStorage). */
  secrets?: SecretStore;
}

/** Log configuration without PII: secrets and device ids never reach the log. */
export function productionLogger(level = 'info', stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-device-id"]', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  };
}

export async function startStoreServer(options: StartOptions): Promise<RunningServer> {
  const station = openStation(options.dataDir, { secrets: options.secrets });
  if (options.centralUrl && options.centralUrl !== station.config.centralUrl) {
    writeSetting(station.db, 'central_url', options.centralUrl);
    station.config.centralUrl = options.centralUrl;
  }
  const storeKey = station.secrets.get('storeKey');
  // One signed client carries both the outbox and the payments.
  const central =
    station.config.centralUrl && storeKey
      ? new CentralClient({
          baseUrl: station.config.centralUrl,
          storeId: station.config.storeId,
          storeKey: storeKey.toString('base64url'),
          clock: systemClock,
        })
      : undefined;
  const app = await buildApp({
    station,
    rendererDir: options.rendererDir ?? DEFAULT_RENDERER_DIR,
    logger: options.logger ?? productionLogger(),
    rateLimits: options.rateLimits,
    syncTransport: central,
    central,
    presence: options.presence,
    approval: options.approval,
    devices: options.devices,
  });
  if (station.config.centralUrl && !storeKey) {
    app.log.warn(
      `store ${station.config.storeId} is not registered with central: run omnistation register; orders stay on the station, unpaid`,
    );
  }
  app.station.hub.purgeBefore(Date.now() - EVENT_RETENTION_MS);
  const retention = startRetention({ db: station.db, clock: app.station.clock, log: app.log });
  const checkpointer = startCheckpointer({ db: station.db, log: app.log });
  let closed = false;
  try {
    await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    retention.stop();
    await checkpointer.stop();
    await app.close();
    station.close();
    throw error;
  }
  const { radio, readers } = options.devices ?? {};
  // A missing adapter or reader never stops the station: they report it and retry themselves.
  await Promise.all([radio?.start(), readers?.start()]);
  warmApprovalEngine(app);
  app.station.sync?.start();
  app.station.forwarder?.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  return {
    app,
    station,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      if (closed) return;
      closed = true;
      retention.stop();
      await Promise.all([radio?.stop(), readers?.stop()]);
      await app.close();
      await central?.close();
      await checkpointer.stop();
      station.close();
    },
  };
}

/**
 * Loads the approval model in the background right after start-up, so the first shopper's answer
 * does not wait for it; the log tells how it went (a missing engine leaves the exact judge).
 */
function warmApprovalEngine(app: StoreApp): void {
  const judge = app.station.judge;
  // A station without the approval gate never scores an answer: no model in its memory.
  if (!(judge instanceof LazyEngineJudge) || !app.station.approvalGate.policy.enabled) return;
  const started = Date.now();
  judge.onProgress = (message) => app.log.info(`approval engine: ${message}`);
  judge.onError = (error) => app.log.error({ err: error }, 'approval engine: failed to load');
  app.log.info('approval engine: loading');
  void judge.warm().then((ready) => {
    if (ready) app.log.info(`approval engine: ready in ${Date.now() - started} ms`);
    else app.log.warn('approval engine: not available; answers are judged by exact match until it is');
  });
}
