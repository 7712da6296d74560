// Runs in: main. Updates from the chain's own update server (electron-updater, generic provider).
// Downloads in the background and installs only when the station quits, never mid-sale; a
// staged rollout is the server's latest.yml `stagingPercentage`, pilot stores use a channel.
import type { ShellConfig } from './config.js';

export interface GenericFeed {
  provider: 'generic';
  url: string;
  channel: string;
}

export function updateFeed(config: ShellConfig): GenericFeed | null {
  if (!config.updates.url) return null;
  return { provider: 'generic', url: config.updates.url, channel: config.updates.channel };
}

/** The part of electron-updater's `autoUpdater` used here. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  channel: string | null;
  setFeedURL(options: GenericFeed): void;
  checkForUpdates(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
}

export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** Configures the updater; returns false (and does nothing) without an update URL or when the
 * build is not packaged (a development run has no app-update.yml to compare against). */
export function configureUpdater(
  updater: UpdaterLike,
  config: ShellConfig,
  packaged: boolean,
  log: (level: 'info' | 'warn' | 'error', message: string) => void,
): boolean {
  const feed = updateFeed(config);
  if (!feed || !packaged) return false;
  updater.setFeedURL(feed);
  updater.channel = feed.channel;
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  // Rolling back is a deliberate act (README): publish the older build under a higher version.
  updater.allowDowngrade = false;
  updater.allowPrerelease = feed.channel !== 'latest';
  updater.on('error', (error) => log('warn', `update check failed: ${error.message}`));
  updater.on('update-downloaded', (info) => log('info', `update ${info.version} downloaded; installs when the station quits`));
  return true;
}
