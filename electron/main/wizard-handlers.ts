// Runs in: main. The bridge's admin and wizard channels: which need the admin passphrase (every
// wizard action once a passphrase exists, i.e. re-running the wizard and changing the devices),
// which window is unlocked (by the passphrase, or by having just set it), and what the shell does
// around a step (restart the store server after registration, open the station when finished).
import { CHANNELS, type AdminKioskLinkInput, type AdminKioskLinkResult, type WizardState } from '../shared/bridge-api.js';
import type { AdminGate } from './admin-gate.js';
import type { DeviceLiveTest } from './device-test.js';
import type { BridgeHandlers } from './ipc.js';
import { messageOf } from './shell-message.js';
import { WizardInputError, type Wizard } from './wizard.js';

export interface WizardShellHooks {
  /** Registration done: the store server restarts to pick up its central client. */
  registered(): void;
  /** The wizard finished: close its window and open the station's. */
  finished(): void;
  /** IT asked from the monitor to run the wizard again. */
  openWizard(): void;
  /** The live test of a reader or the radio (the device step). */
  liveTest: Pick<DeviceLiveTest, 'testReader' | 'testRadio'>;
  /** Makes a kiosk enrolment link in the store server (the passphrase was checked). */
  kioskLink(kioskId: string, name: string | null, readerIds: string[]): Promise<{ kioskId: string; name: string | null; link: string }>;
}

const KIOSK_ID = /^[A-Za-z0-9-]{1,32}$/;

/** The monitor's kiosk enrolment request; untrusted, so checked like the staff route's schema. */
export function parseKioskLinkInput(input: unknown): AdminKioskLinkInput {
  const record = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : null;
  const bad = () => new WizardInputError('kiosk.badInput', 'a kiosk link needs the passphrase, a kiosk id (1-32 letters, digits or -) and, for a new kiosk, its name');
  if (!record || typeof record.passphrase !== 'string' || record.passphrase.length > 1024) throw bad();
  if (typeof record.kioskId !== 'string' || !KIOSK_ID.test(record.kioskId)) throw bad();
  const parsed: AdminKioskLinkInput = { passphrase: record.passphrase, kioskId: record.kioskId };
  if (record.name !== undefined) {
    if (typeof record.name !== 'string' || record.name.trim().length === 0 || record.name.trim().length > 60) throw bad();
    parsed.name = record.name.trim();
  }
  if (record.readerIds !== undefined) {
    const ids = record.readerIds;
    if (!Array.isArray(ids) || ids.length > 8 || !ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 200)) throw bad();
    parsed.readerIds = [...(ids as string[])];
  }
  return parsed;
}

type AdminWizardChannel =
  | typeof CHANNELS.adminStatus
  | typeof CHANNELS.adminUnlock
  | typeof CHANNELS.adminLock
  | typeof CHANNELS.adminOpenWizard
  | typeof CHANNELS.adminKioskLink
  | typeof CHANNELS.wizardTestReader
  | typeof CHANNELS.wizardTestRadio
  | typeof CHANNELS.wizardState
  | typeof CHANNELS.wizardStore
  | typeof CHANNELS.wizardRegister
  | typeof CHANNELS.wizardCredentials
  | typeof CHANNELS.wizardDevices
  | typeof CHANNELS.wizardCatalogue
  | typeof CHANNELS.wizardLabels
  | typeof CHANNELS.wizardSkip
  | typeof CHANNELS.wizardFinish;

export function adminWizardHandlers(wizard: Wizard, gate: AdminGate, hooks: WizardShellHooks): Pick<BridgeHandlers, AdminWizardChannel> {
  const view = (senderId: number, state: WizardState): WizardState => ({ ...state, locked: !gate.isUnlocked(senderId) });
  /** An IT action: refused unless this window is unlocked; answered with the state it sees.
   * `code` names the action for the page (a wizard step id, `skip` or `finish`). */
  const guarded =
    (action: string, code: string, work: (input: unknown, senderId: number) => WizardState | Promise<WizardState>) =>
    async ({ senderId }: { senderId: number }, input: unknown): Promise<WizardState> => {
      gate.require(senderId, action, code);
      return view(senderId, await work(input, senderId));
    };

  return {
    [CHANNELS.adminStatus]: ({ senderId }) => gate.status(senderId),
    [CHANNELS.adminUnlock]: ({ senderId }, input) => gate.unlock(senderId, input),
    [CHANNELS.adminLock]: ({ senderId }) => {
      gate.lock(senderId);
      return gate.status(senderId);
    },
    // Opens a window that asks for the passphrase before it changes anything.
    [CHANNELS.adminOpenWizard]: () => hooks.openWizard(),
    // Staff's screen: the passphrase is typed for this one link and the window stays locked after
    // (a monitor left unlocked would let anyone at the counter enrol a kiosk).
    [CHANNELS.adminKioskLink]: async ({ senderId }, input): Promise<AdminKioskLinkResult> => {
      const request = parseKioskLinkInput(input);
      const verdict = await gate.unlock(senderId, request.passphrase);
      gate.lock(senderId);
      if (!verdict.ok) return verdict;
      try {
        const made = await hooks.kioskLink(request.kioskId, request.name ?? null, request.readerIds ?? []);
        return { ok: true, ...made };
      } catch (error) {
        return { ok: false, reason: 'failed', message: messageOf(error) };
      }
    },
    [CHANNELS.wizardTestReader]: async ({ senderId }, input) => {
      gate.require(senderId, 'testing a reader', 'devices');
      return hooks.liveTest.testReader(input);
    },
    [CHANNELS.wizardTestRadio]: async ({ senderId }) => {
      gate.require(senderId, 'testing the radio', 'devices');
      return hooks.liveTest.testRadio();
    },
    [CHANNELS.wizardState]: ({ senderId }) => view(senderId, wizard.state()),
    [CHANNELS.wizardStore]: guarded('creating the store', 'store', (input) => wizard.chooseStore(input)),
    [CHANNELS.wizardRegister]: guarded('registering the store', 'register', async (input) => {
      const state = await wizard.register(input);
      if (state.steps.find((s) => s.id === 'register')?.status === 'done') hooks.registered();
      return state;
    }),
    [CHANNELS.wizardCredentials]: guarded('changing the PIN and passphrase', 'credentials', async (input, senderId) => {
      const state = await wizard.setCredentials(input);
      // Whoever just set the passphrase knows it: this window stays unlocked.
      if (state.steps.find((s) => s.id === 'credentials')?.status === 'done') gate.grant(senderId);
      return state;
    }),
    [CHANNELS.wizardDevices]: guarded('changing the radio and readers', 'devices', (input) => wizard.configureDevices(input)),
    [CHANNELS.wizardCatalogue]: guarded('importing the catalogue', 'catalogue', () => wizard.importCatalogue()),
    [CHANNELS.wizardLabels]: guarded('printing labels', 'labels', () => wizard.printLabels()),
    [CHANNELS.wizardSkip]: guarded('skipping a step', 'skip', (input) => wizard.skip(input)),
    [CHANNELS.wizardFinish]: guarded('finishing the wizard', 'finish', () => {
      const state = wizard.finish();
      hooks.finished();
      return state;
    }),
  };
}
