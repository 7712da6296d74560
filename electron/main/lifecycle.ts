// Runs in: main. One station per machine, started at login, and a quit that waits for the store
// server to close (its outbox flushes on close) before the process ends.

/** The part of Electron's `app` used here. */
export interface LifecycleApp {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean }): void;
}

/** False when another station already runs here: the caller quits; the other one gets focus. */
export function claimSingleInstance(app: LifecycleApp, onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', onSecondInstance);
  return true;
}

/** Only a packaged build registers itself: a development run would register the bare Electron
 * binary, which then opens Electron's default app at every login. */
export function applyStartAtLogin(app: LifecycleApp, enabled: boolean): boolean {
  if (!app.isPackaged) return false;
  app.setLoginItemSettings({ openAtLogin: enabled });
  return true;
}

export interface GracefulQuitOptions {
  /** Stops the store server (and devices); resolves when they are down. */
  shutdown: () => Promise<void>;
  /** The quit goes ahead after this even if shutdown hangs. */
  timeoutMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Holds the first quit until `shutdown` is done, then quits for real. */
export function installGracefulQuit(app: LifecycleApp, options: GracefulQuitOptions): { readonly done: boolean } {
  const state = { done: false };
  let running = false;
  app.on('before-quit', (event) => {
    if (state.done) return;
    event.preventDefault();
    if (running) return;
    running = true;
    const timeoutMs = options.timeoutMs ?? 20_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    void Promise.race([options.shutdown().then(() => 'done' as const), timeout])
      .then(
        (result) => {
          if (result === 'timeout') options.log?.('warn', `shutdown took over ${timeoutMs} ms; quitting anyway`);
        },
        (error: unknown) => options.log?.('error', `shutdown failed: ${(error as Error).message}`),
      )
      .finally(() => {
        clearTimeout(timer);
        state.done = true;
        app.quit();
      });
  });
  return state;
}
