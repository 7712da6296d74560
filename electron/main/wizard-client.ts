// Runs in: main. The wizard's actions as calls into the utility process: each request carries an
// id, progress and the result come back with it, and a store server that goes away fails every
// call in flight instead of leaving the wizard spinning.
import { SHELL_MESSAGE_CODES, type ShellMessageCode, type WizardRegisterInput } from '../shared/bridge-api.js';
import { ShellError } from './shell-message.js';
import type { MainToUtility, UtilityToMain, WizardRequest, WizardValue } from '../shared/utility-messages.js';
import type { WizardActions } from './wizard.js';

interface Pending {
  resolve(value: WizardValue): void;
  reject(error: Error): void;
  onProgress?: (done: number, total: number | null) => void;
}

export class UtilityWizardActions implements WizardActions {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `send` returns false when no store server runs to take the message. */
  constructor(private readonly send: (message: MainToUtility) => boolean) {}

  register(input: WizardRegisterInput): Promise<{ storeId: string }> {
    return this.call({ action: 'register', ...input }) as Promise<{ storeId: string }>;
  }

  async setStaffPin(pin: string): Promise<void> {
    await this.call({ action: 'set-pin', pin });
  }

  importCatalogue(file: string, onProgress: (done: number, total: number | null) => void): Promise<{ products: number; tags: number }> {
    return this.call({ action: 'import-catalogue', file }, onProgress) as Promise<{ products: number; tags: number }>;
  }

  writeLabels(file: string): Promise<{ labels: number; pages: number }> {
    return this.call({ action: 'write-labels', file }) as Promise<{ labels: number; pages: number }>;
  }

  /** IT's kiosk enrolment; the caller checked the admin passphrase. */
  kioskLink(kioskId: string, name: string | null, readerIds: string[]): Promise<{ kioskId: string; name: string | null; link: string }> {
    return this.call({ action: 'kiosk-link', kioskId, name, readerIds }) as Promise<{ kioskId: string; name: string | null; link: string }>;
  }

  /** Feed every message from the utility process through here. */
  handle(message: UtilityToMain): void {
    if (message.type === 'wizard-progress') {
      this.pending.get(message.id)?.onProgress?.(message.done, message.total);
    } else if (message.type === 'wizard-result') {
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else if (message.code && (SHELL_MESSAGE_CODES as readonly string[]).includes(message.code)) {
        call.reject(new ShellError(message.code as ShellMessageCode, message.params ?? {}, message.message));
      } else call.reject(new Error(message.message));
    }
  }

  /** The store server stopped or restarted: nothing in flight will be answered. */
  failAll(state: string): void {
    for (const [id, call] of this.pending) {
      this.pending.delete(id);
      call.reject(new ShellError('server.gone', { state }, `the store server is ${state}`));
    }
  }

  private call(request: WizardRequest, onProgress?: (done: number, total: number | null) => void): Promise<WizardValue> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      if (!this.send({ type: 'wizard', id, request })) {
        this.pending.delete(id);
        reject(new ShellError('server.notRunning', {}, 'the store server is not running; wait for it to start and try again'));
      }
    });
  }
}
