// Runs in: node (bench process). Servers under test live in child processes so the load
// generator and the server do not share an event loop; this module starts and always stops them.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a child entry sends on its IPC channel once it listens. */
export type ReadyMessage<T> = { ready: true; url: string } & T;

export interface ChildServer<T> {
  info: ReadyMessage<T>;
  dataDir: string;
  pid: number;
  /** The child's own CPU time so far (all its threads), in microseconds. */
  cpuUsage(): Promise<number>;
  /** A message on the IPC channel, for children that take more than 'cpu'. */
  send(message: string): void;
  stop(): Promise<void>;
}

// Every child still alive, with its temp folder; the exit hook kills them and removes the
// folders even when the bench throws or is interrupted.
const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllChildren);
}

/** Synchronous on purpose: it also runs from process 'exit', where nothing can be awaited. */
export function killAllChildren(): void {
  for (const [child, tempDir] of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(tempDir, { recursive: true, force: true });
  }
  live.clear();
}

// Resolved from here, not from the cwd, so `npx omnistation bench` works from any folder.
const TSX_LOADER = import.meta.resolve('tsx');

export async function startChildServer<T>(
  entry: URL,
  args: string[],
  options: { name: string; cpuProfDir?: string; timeoutMs?: number; onMessage?: (message: unknown) => void } = { name: 'child' },
): Promise<ChildServer<T>> {
  installExitHook();
  const tempDir = mkdtempSync(join(tmpdir(), `omni-bench-${options.name}-`));
  const dataDir = join(tempDir, 'data');
  const execArgv = ['--import', TSX_LOADER];
  if (options.cpuProfDir) {
    // A folder per server: V8 writes one profile per thread (tsx's loader runs in its own), and
    // the main thread's is the one with the server in it, the largest file.
    const dir = join(options.cpuProfDir, `${options.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  // stdout of the child goes to our stderr: `--json` must own stdout alone.
  const child = fork(fileURLToPath(entry), [dataDir, ...args], {
    execArgv,
    stdio: ['ignore', 2, 2, 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  live.set(child, tempDir);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = () => {
    live.delete(child);
    rmSync(tempDir, { recursive: true, force: true });
  };

  let info: ReadyMessage<T>;
  try {
    info = await new Promise<ReadyMessage<T>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.name} did not start within ${options.timeoutMs ?? 30_000} ms`)),
        options.timeoutMs ?? 30_000,
      );
      child.once('message', (message) => {
        clearTimeout(timer);
        const ready = message as ReadyMessage<T> | { error: string };
        if ('error' in ready) reject(new Error(`${options.name} failed to start: ${ready.error}`));
        else resolve(ready);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited before it was ready (${signal ?? code})`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    cleanup();
    throw error;
  }

  const cpuWaiters: ((micros: number) => void)[] = [];
  child.on('message', (message) => {
    const reply = message as { cpu?: number };
    if (typeof reply.cpu === 'number') cpuWaiters.shift()?.(reply.cpu);
    else options.onMessage?.(message);
  });

  let stopping: Promise<void> | undefined;
  return {
    info,
    dataDir,
    pid: child.pid!,
    cpuUsage() {
      return new Promise((resolve, reject) => {
        cpuWaiters.push(resolve);
        child.send('cpu', (error) => {
          if (error) reject(error);
        });
      });
    },
    send(message) {
      if (child.connected) child.send(message);
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          // TERM lets the child close its database and, with --cpu-prof, write the profile.
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        cleanup();
      })();
      return stopping;
    },
  };
}

/**
 * Child side: report readiness (or the failure) to the bench process, and end when told to or
 * when the bench process goes away, so no server outlives a crashed or killed bench.
 */
export function serveChild(start: () => Promise<{ message: Record<string, unknown>; close(): Promise<void> }>): void {
  let close: (() => Promise<void>) | undefined;
  let ending = false;
  const end = async () => {
    if (ending) return;
    ending = true;
    try {
      await close?.();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void end());
  process.on('SIGINT', () => void end());
  process.on('disconnect', () => void end());
  // CPU time per request is steadier than throughput on a shared box; the bench asks for it.
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send?.({ cpu: user + system });
  });
  start().then(
    (started) => {
      close = started.close;
      process.send?.({ ready: true, ...started.message });
    },
    (error: unknown) => {
      process.send?.({ error: error instanceof Error ? error.stack ?? error.message : String(error) }, () => process.exit(1));
    },
  );
}
