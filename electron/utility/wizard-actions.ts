// Runs in: utility process. The first-run wizard's work against the open station: the same
// functions the `omnistation register / import / labels` commands use, so the desktop wizard
// and the command line cannot disagree about what a valid catalogue or label sheet is.
import { registerWithCentral } from '../../server/store/registration.js';
import { hashPin, PIN_PATTERN } from '../../server/store/pin.js';
import { writeSetting, type Station } from '../../server/store/station.js';
import { formatIssue, parseCatalogueFile } from '../../server/store/modules/catalogue/parse.js';
import { CatalogueError, CatalogueRepository } from '../../server/store/modules/catalogue/repository.js';
import { buildLabels, writeLabelSheet } from '../../server/store/labels/sheet.js';
import { kioskEnrolmentLink } from '../../server/store/modules/presence/kiosks.js';
import type { WizardRequest, WizardValue } from '../shared/utility-messages.js';

/** Issues listed in an error before "and N more": enough to fix a file, short enough to read. */
const MAX_LISTED_ISSUES = 5;

/** `code` and `params` name the message for the wizard page (bridge-api.ts SHELL_MESSAGE_CODES). */
export class WizardActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

/** The store server's kiosk enrolment (server/store/modules/presence/kiosks.ts), as far as used. */
export interface KioskEnrolment {
  create(id: string, name: string, readerIds: string[]): { kiosk: { id: string; name: string }; token: string };
  reissue(id: string): string;
}

/** The store server's own refusals (AppError codes) as the wizard's coded messages. */
function kioskError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'kiosk_not_found') return new WizardActionError('kiosk.notFound', (error as Error).message);
  if (code === 'kiosk_exists') return new WizardActionError('kiosk.exists', (error as Error).message);
  if (code === 'kiosk_id_invalid') return new WizardActionError('kiosk.badInput', (error as Error).message);
  return error;
}

export async function runWizardRequest(
  station: Station,
  request: WizardRequest,
  onProgress: (done: number, total: number | null) => void,
  kiosks: KioskEnrolment | null = null,
): Promise<WizardValue> {
  switch (request.action) {
    case 'register':
      try {
        return await registerWithCentral(station, { centralUrl: request.centralUrl, adminToken: request.adminToken, address: request.address });
      } catch (error) {
        // Central's own words (status and reason) are kept; the page frames them in its language.
        throw new WizardActionError('register.failed', (error as Error).message, { reason: (error as Error).message });
      }
    case 'set-pin':
      // The main process checked it already; the database never takes an unchecked PIN either way.
      if (!PIN_PATTERN.test(request.pin)) throw new WizardActionError('pin.format', 'the staff PIN must be 4-12 digits');
      writeSetting(station.db, 'staff_pin_hash', hashPin(request.pin));
      return null;
    case 'import-catalogue': {
      const parsed = await parseCatalogueFile(request.file, { onProgress: (p) => onProgress(p.bytes, p.totalBytes ?? null) });
      const listIssues = (issues: Parameters<typeof formatIssue>[0][]) =>
        issues.slice(0, MAX_LISTED_ISSUES).map((issue) => formatIssue(issue, parsed.format)).join('; ') +
        (issues.length > MAX_LISTED_ISSUES ? `; and ${issues.length - MAX_LISTED_ISSUES} more` : '');
      if (parsed.errors.length > 0) {
        const issues = listIssues(parsed.errors);
        throw new WizardActionError('catalogue.invalid', `nothing imported: ${issues}`, { issues });
      }
      if (parsed.rows.length === 0) throw new WizardActionError('catalogue.empty', 'the file has no products: nothing imported');
      try {
        const result = new CatalogueRepository(station.db).importRows(parsed.rows);
        return { products: result.products, tags: result.tags };
      } catch (error) {
        if (error instanceof CatalogueError) {
          const issues = listIssues(error.issues);
          throw new WizardActionError('catalogue.invalid', `nothing imported: ${issues}`, { issues });
        }
        throw error;
      }
    }
    case 'write-labels': {
      const catalogue = new CatalogueRepository(station.db);
      if (catalogue.count() === 0) throw new WizardActionError('labels.emptyCatalogue', 'the catalogue is empty: import one first');
      const labels = buildLabels(catalogue.all(), { baseUrl: station.config.publicUrl, labelKey: station.labelKey, storeId: station.config.storeId });
      const sheet = await writeLabelSheet(request.file, labels, { title: `${station.config.name} (${station.config.storeId}) product labels` });
      return { labels: labels.length, pages: sheet.pages };
    }
    case 'kiosk-link': {
      if (!kiosks) throw new WizardActionError('server.notRunning', 'the store server is not running');
      try {
        if (request.name !== null) {
          const { kiosk, token } = kiosks.create(request.kioskId, request.name, request.readerIds);
          return { kioskId: kiosk.id, name: kiosk.name, link: kioskEnrolmentLink(station.config.publicUrl, token) };
        }
        return { kioskId: request.kioskId, name: null, link: kioskEnrolmentLink(station.config.publicUrl, kiosks.reissue(request.kioskId)) };
      } catch (error) {
        throw kioskError(error);
      }
    }
  }
}
