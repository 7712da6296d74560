// Runs in: node. `omnistation hid-decode HEX…`: decodes HID keyboard boot reports (8 bytes each,
// in the order a reader sent them) and prints one JSON line {"text": …} per read ended by Enter.
import { CliError } from '../args.js';
import { KeyboardWedgeDecoder } from '../../protocol/hid/keyboard.js';

export const summary = 'decode HID keyboard boot reports (hex, 8 bytes each) into what a reader typed';

const USAGE = 'usage: omnistation hid-decode HEX… (each HEX one 8-byte report, e.g. 0000270000000000)';
// Bytes may be grouped for readability ("00:00:27:00:…", "00-00-…"); "0x" as copied from C.
const SEPARATORS = /[:_-]/g;
const REPORT_HEX = /^[0-9a-f]{16}$/i;

export async function run(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv.length === 0) throw new CliError(`no reports given; ${USAGE}`);
  // Every argument is checked before anything is printed: a typo in the last report must not
  // leave half an answer on stdout that a script could take for the whole one.
  const reports = argv.map((arg, index) => parseReport(arg, index + 1));
  const decoder = new KeyboardWedgeDecoder();
  const lines: string[] = [];
  for (const report of reports) {
    for (const text of decoder.feed(report)) lines.push(`${JSON.stringify({ text })}\n`);
  }
  process.stdout.write(lines.join(''));
  return 0;
}

function parseReport(arg: string, position: number): Uint8Array {
  const hex = arg.trim().replace(/^0x/i, '').replace(SEPARATORS, '');
  if (!REPORT_HEX.test(hex)) {
    const shown = JSON.stringify(arg.length > 40 ? `${arg.slice(0, 39)}…` : arg);
    const why = /^[0-9a-f]*$/i.test(hex) ? `has ${hex.length} hex digits` : 'is not hexadecimal';
    throw new CliError(`report ${position} ${shown} ${why}: a boot report is 8 bytes, 16 hex digits`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
