// Runs in: utility process. The first-run wizard's work against the open station: the same
// functions the `omnistation register / import / labels` commands use, so the desktop wizard
// and the command line cannot disagree about what a valid catalogue or label sheet is.
import { registerWithCentral } from '../../server/store/registration.js';
import { hashPin, PIN_PATTERN } from '../../server/store/pin.js';
import { writeSetting, type Station } from '../../server/store/station.js';
import { formatIssue, parseCatalogueFile } from '../../server/store/modules/catalogue/parse.js';
import { CatalogueError, CatalogueRepository } from '../../server/store/modules/catalogue/repository.js';
import { buildLabels, writeLabelSheet } from '../../server/store/labels/sheet.js';
import type { WizardRequest, WizardValue } from '../shared/utility-messages.js';

/** Issues listed in an error before "and N more": enough to fix a file, short enough to read. */
const MAX_LISTED_ISSUES = 5;

export class WizardActionError extends Error {}

export async function runWizardRequest(
  station: Station,
  request: WizardRequest,
  onProgress: (done: number, total: number | null) => void,
): Promise<WizardValue> {
  switch (request.action) {
    case 'register':
      return registerWithCentral(station, { centralUrl: request.centralUrl, adminToken: request.adminToken, address: request.address });
    case 'set-pin':
      // The main process checked it already; the database never takes an unchecked PIN either way.
      if (!PIN_PATTERN.test(request.pin)) throw new WizardActionError('the staff PIN must be 4-12 digits');
      writeSetting(station.db, 'staff_pin_hash', hashPin(request.pin));
      return null;
    case 'import-catalogue': {
      const parsed = await parseCatalogueFile(request.file, { onProgress: (p) => onProgress(p.bytes, p.totalBytes ?? null) });
      const listIssues = (issues: Parameters<typeof formatIssue>[0][]) =>
        issues.slice(0, MAX_LISTED_ISSUES).map((issue) => formatIssue(issue, parsed.format)).join('; ') +
        (issues.length > MAX_LISTED_ISSUES ? `; and ${issues.length - MAX_LISTED_ISSUES} more` : '');
      if (parsed.errors.length > 0) throw new WizardActionError(`nothing imported: ${listIssues(parsed.errors)}`);
      if (parsed.rows.length === 0) throw new WizardActionError('the file has no products: nothing imported');
      try {
        const result = new CatalogueRepository(station.db).importRows(parsed.rows);
        return { products: result.products, tags: result.tags };
      } catch (error) {
        if (error instanceof CatalogueError) throw new WizardActionError(`nothing imported: ${listIssues(error.issues)}`);
        throw error;
      }
    }
    case 'write-labels': {
      const catalogue = new CatalogueRepository(station.db);
      if (catalogue.count() === 0) throw new WizardActionError('the catalogue is empty: import one first');
      const labels = buildLabels(catalogue.all(), { baseUrl: station.config.publicUrl, labelKey: station.labelKey, storeId: station.config.storeId });
      const sheet = await writeLabelSheet(request.file, labels, { title: `${station.config.name} (${station.config.storeId}) product labels` });
      return { labels: labels.length, pages: sheet.pages };
    }
  }
}
