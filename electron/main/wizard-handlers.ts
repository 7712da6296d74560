// Runs in: main. The bridge's admin and wizard channels: which need the admin passphrase (every
// wizard action once a passphrase exists, i.e. re-running the wizard and changing the devices),
// which window is unlocked (by the passphrase, or by having just set it), and what the shell does
// around a step (restart the store server after registration, open the station when finished).
import { CHANNELS, type WizardState } from '../shared/bridge-api.js';
import type { AdminGate } from './admin-gate.js';
import type { BridgeHandlers } from './ipc.js';
import type { Wizard } from './wizard.js';

export interface WizardShellHooks {
  /** Registration done: the store server restarts to pick up its central client. */
  registered(): void;
  /** The wizard finished: close its window and open the station's. */
  finished(): void;
  /** IT asked from the monitor to run the wizard again. */
  openWizard(): void;
}

type AdminWizardChannel =
  | typeof CHANNELS.adminStatus
  | typeof CHANNELS.adminUnlock
  | typeof CHANNELS.adminLock
  | typeof CHANNELS.adminOpenWizard
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
  /** An IT action: refused unless this window is unlocked; answered with the state it sees. */
  const guarded =
    (action: string, work: (input: unknown, senderId: number) => WizardState | Promise<WizardState>) =>
    async ({ senderId }: { senderId: number }, input: unknown): Promise<WizardState> => {
      gate.require(senderId, action);
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
    [CHANNELS.wizardState]: ({ senderId }) => view(senderId, wizard.state()),
    [CHANNELS.wizardStore]: guarded('creating the store', (input) => wizard.chooseStore(input)),
    [CHANNELS.wizardRegister]: guarded('registering the store', async (input) => {
      const state = await wizard.register(input);
      if (state.steps.find((s) => s.id === 'register')?.status === 'done') hooks.registered();
      return state;
    }),
    [CHANNELS.wizardCredentials]: guarded('changing the PIN and passphrase', async (input, senderId) => {
      const state = await wizard.setCredentials(input);
      // Whoever just set the passphrase knows it: this window stays unlocked.
      if (state.steps.find((s) => s.id === 'credentials')?.status === 'done') gate.grant(senderId);
      return state;
    }),
    [CHANNELS.wizardDevices]: guarded('changing the radio and readers', (input) => wizard.configureDevices(input)),
    [CHANNELS.wizardCatalogue]: guarded('importing the catalogue', () => wizard.importCatalogue()),
    [CHANNELS.wizardLabels]: guarded('printing labels', () => wizard.printLabels()),
    [CHANNELS.wizardSkip]: guarded('skipping a step', (input) => wizard.skip(input)),
    [CHANNELS.wizardFinish]: guarded('finishing the wizard', () => {
      const state = wizard.finish();
      hooks.finished();
      return state;
    }),
  };
}
