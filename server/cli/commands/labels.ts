// Runs in: node. `omnistation labels --data DIR --out FILE [--base-url URL]`: a printable
// sheet (PDF or SVG, by the file's extension) with one signed QR label per catalogue product.
import { resolve } from 'node:path';
import { CliError, parseCommandArgs, requireOption, openStationOrFail } from '../args.js';
import { CatalogueRepository } from '../../store/modules/catalogue/repository.js';
import {
  buildLabels,
  checkBaseUrl,
  LabelSheetError,
  sheetFormatOf,
  writeLabelSheet,
} from '../../store/labels/sheet.js';

export const summary = 'print a label sheet (PDF or SVG) with a QR code per product';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    data: { type: 'string' },
    out: { type: 'string' },
    'base-url': { type: 'string' },
  });
  const dataDir = requireOption(values.data, '--data');
  const out = requireOption(values.out, '--out');
  // Usage mistakes are checked before any work, and exit 2 like other bad arguments.
  try {
    sheetFormatOf(out);
    if (values['base-url'] !== undefined) checkBaseUrl(values['base-url']);
  } catch (error) {
    if (error instanceof LabelSheetError) throw new CliError(error.message);
    throw error;
  }
  try {
    const station = openStationOrFail(dataDir);
    try {
      const catalogue = new CatalogueRepository(station.db);
      if (catalogue.count() === 0) {
        throw new CliError(
          `the catalogue of store ${station.config.storeId} is empty: import one first ` +
            `(omnistation import --data ${dataDir} FILE)`,
          1,
        );
      }
      const baseUrl = values['base-url'] ?? station.config.publicUrl;
      const labels = buildLabels(catalogue.all(), {
        baseUrl,
        labelKey: station.labelKey,
        storeId: station.config.storeId,
      });
      const result = await writeLabelSheet(out, labels, {
        title: `${station.config.name} (${station.config.storeId}) product labels`,
      });
      process.stdout.write(
        `wrote ${labels.length} label${labels.length === 1 ? '' : 's'} on ${result.pages} ` +
          `page${result.pages === 1 ? '' : 's'} to ${resolve(out)}\n`,
      );
      return 0;
    } finally {
      station.close();
    }
  } catch (error) {
    if (error instanceof LabelSheetError) throw new CliError(error.message, 1);
    throw error;
  }
}

