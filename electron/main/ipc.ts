// Runs in: main. The main-process end of the preload bridge: every invoke is checked to come
// from the top frame of a window the shell opened, showing one of the app's origins, before a
// handler runs — a page that navigated away, an iframe or a stray webContents gets nothing.
import { CHANNELS, type EventChannel, type InvokeChannel, type InvokeResults } from '../shared/bridge-api.js';
import { isAllowedNavigation, type AllowedOrigins } from './security.js';
import { errorForPage, ShellError } from './shell-message.js';
import type { WindowRole } from './window-placement.js';

/** The fields of `IpcMainInvokeEvent` the check reads. */
export interface IpcInvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

/** Which windows the shell opened, by webContents id. */
export class WindowRegistry {
  private readonly roles = new Map<number, WindowRole>();
  private readonly senders = new Map<number, { send(channel: string, payload: unknown): void; isDestroyed(): boolean }>();

  add(id: number, role: WindowRole, contents: { send(channel: string, payload: unknown): void; isDestroyed(): boolean }): void {
    this.roles.set(id, role);
    this.senders.set(id, contents);
  }

  remove(id: number): void {
    this.roles.delete(id);
    this.senders.delete(id);
  }

  roleOf(id: number): WindowRole | undefined {
    return this.roles.get(id);
  }

  /** Pushes an event to every live window of the shell. */
  broadcast(channel: EventChannel, payload: unknown): void {
    for (const [id, contents] of this.senders) {
      if (contents.isDestroyed()) this.remove(id);
      else contents.send(channel, payload);
    }
  }
}

const WIZARD_ONLY: readonly WindowRole[] = ['wizard'];

/** Roles allowed on each channel: only staff's monitor may restart the store server, and only
 * the wizard's own window may drive the wizard. */
export const CHANNEL_ROLES: Record<InvokeChannel, readonly WindowRole[]> = {
  [CHANNELS.shellInfo]: ['monitor', 'kiosk', 'wizard'],
  [CHANNELS.serverStatus]: ['monitor', 'kiosk', 'wizard'],
  [CHANNELS.serverRestart]: ['monitor'],
  [CHANNELS.devicesStatus]: ['monitor', 'wizard'],
  [CHANNELS.kioskInfo]: ['kiosk', 'monitor'],
  // IT's key: never the kiosk, which faces shoppers.
  [CHANNELS.adminStatus]: ['monitor', 'wizard'],
  [CHANNELS.adminUnlock]: ['monitor', 'wizard'],
  [CHANNELS.adminLock]: ['monitor', 'wizard'],
  [CHANNELS.adminOpenWizard]: ['monitor'],
  // Kiosk enrolment is staff's screen; the passphrase is asked for each link.
  [CHANNELS.adminKioskLink]: ['monitor'],
  [CHANNELS.wizardStore]: WIZARD_ONLY,
  [CHANNELS.wizardState]: WIZARD_ONLY,
  [CHANNELS.wizardRegister]: WIZARD_ONLY,
  [CHANNELS.wizardCredentials]: WIZARD_ONLY,
  [CHANNELS.wizardDevices]: WIZARD_ONLY,
  [CHANNELS.wizardTestReader]: WIZARD_ONLY,
  [CHANNELS.wizardTestRadio]: WIZARD_ONLY,
  [CHANNELS.wizardCatalogue]: WIZARD_ONLY,
  [CHANNELS.wizardLabels]: WIZARD_ONLY,
  [CHANNELS.wizardSkip]: WIZARD_ONLY,
  [CHANNELS.wizardFinish]: WIZARD_ONLY,
};

export type SenderVerdict = { ok: true; role: WindowRole } | { ok: false; reason: string };

export function validateSender(event: IpcInvokeEventLike, channel: InvokeChannel, registry: WindowRegistry, allowed: AllowedOrigins): SenderVerdict {
  const role = registry.roleOf(event.sender.id);
  if (!role) return { ok: false, reason: `webContents ${event.sender.id} is not a station window` };
  const frame = event.senderFrame;
  // senderFrame is null once the frame navigated away or was destroyed.
  if (!frame) return { ok: false, reason: 'the sending frame is gone' };
  if (frame.parent !== null) return { ok: false, reason: 'sent from a sub-frame' };
  if (!isAllowedNavigation(frame.url, allowed())) return { ok: false, reason: `frame origin of ${frame.url} is not the app's` };
  if (!CHANNEL_ROLES[channel].includes(role)) return { ok: false, reason: `${role} may not call ${channel}` };
  return { ok: true, role };
}

/** `input` is whatever the page sent: untrusted, so typed unknown and parsed by the handler. */
export type BridgeHandlers = {
  [C in InvokeChannel]: (context: { role: WindowRole; senderId: number }, input: unknown) => InvokeResults[C] | Promise<InvokeResults[C]>;
};

/** The part of `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
}

export class RefusedSenderError extends ShellError {
  constructor() {
    super('ipc.refused', {}, 'refused');
  }
}

export function registerBridgeHandlers(
  ipcMain: IpcMainLike,
  handlers: BridgeHandlers,
  registry: WindowRegistry,
  allowed: AllowedOrigins,
  onRefused: (channel: InvokeChannel, reason: string) => void = () => {},
): void {
  for (const channel of Object.keys(handlers) as InvokeChannel[]) {
    ipcMain.handle(channel, async (event, ...args) => {
      const verdict = validateSender(event, channel, registry, allowed);
      if (!verdict.ok) {
        onRefused(channel, verdict.reason);
        // The page sees a generic refusal; the reason goes to the shell's log only.
        throw errorForPage(new RefusedSenderError());
      }
      const handler = handlers[channel] as (context: { role: WindowRole; senderId: number }, input: unknown) => unknown;
      try {
        return await handler({ role: verdict.role, senderId: event.sender.id }, args[0]);
      } catch (error) {
        // The page gets the reason as a code it words in its own language.
        throw errorForPage(error);
      }
    });
  }
}
