// Runs in: node. Reads a scanned label for this store. Shoppers scan the same few thousand
// labels all day; parsing the URL and checking its HMAC was a tenth of a scan's cost, so genuine
// codes are remembered (bounded, oldest first out). Refusals are never remembered: a forged code
// costs the full check every time and cannot push genuine ones out of the memo.
import { parseLabelUrl, verifyLabel, type LabelCheck } from '../../../protocol/label.js';

const MAX_REMEMBERED = 8192;

export class LabelReader {
  private readonly genuine = new Map<string, LabelCheck>();

  constructor(
    private readonly labelKey: Buffer,
    private readonly storeId: string,
    private readonly maxRemembered = MAX_REMEMBERED,
  ) {}

  read(code: string): LabelCheck {
    const known = this.genuine.get(code);
    if (known) return known;
    const parsed = parseLabelUrl(code);
    if (!parsed) return { ok: false, code: 'label_malformed', message: 'This is not a product label of the store.' };
    const check = verifyLabel(this.labelKey, this.storeId, parsed);
    if (check.ok) {
      if (this.genuine.size >= this.maxRemembered) this.genuine.delete(this.genuine.keys().next().value!);
      this.genuine.set(code, check);
    }
    return check;
  }
}
