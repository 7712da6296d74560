// Runs in: node (vitest). `omnistation hid-decode` as CONTRACT.md specifies it.
import { describe, expect, it } from 'vitest';
import { reportsForText } from '../../../server/protocol/hid/keyboard.js';
import { runCli } from '../../helpers/cli.js';

const hex = (reports: Uint8Array[]) => reports.map((r) => Buffer.from(r).toString('hex'));

describe('omnistation hid-decode', () => {
  it('prints one JSON line per read ended by Enter, in order', () => {
    const result = runCli(['hid-decode', ...hex(reportsForText('04A2B3C4')), ...hex(reportsForText('0012345678')), '00001e0000000000']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"text":"04A2B3C4"}\n{"text":"0012345678"}\n');
  });

  it('handles shift, held keys, key-up, rollover errors and keypad Enter as a reader sends them', () => {
    const result = runCli([
      'hid-decode',
      '0200040000000000', // shift + a
      '0200040000000000', // still held
      '0000000000000000',
      '0000010101010101', // rollover error
      '00001e0000000000',
      '00001E1F00000000', // 2 pressed while 1 held; upper-case hex is fine
      '00:00:00:00:00:00:00:00',
      '0000580000000000', // keypad Enter
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"text":"A12"}\n');
  });

  it('prints nothing for a read without Enter', () => {
    const result = runCli(['hid-decode', ...hex(reportsForText('1234', { enter: false }))]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('refuses bad hex or a wrong length with exit 2 and one line, printing nothing', () => {
    for (const bad of ['00002800000000', '000028000000000000', 'zz00280000000000', '']) {
      const result = runCli(['hid-decode', ...hex(reportsForText('AB')), bad]);
      expect(result.code, bad).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^omnistation hid-decode: report 7 .*\n$/);
      expect(result.stderr).not.toMatch(/\n./);
    }
    const none = runCli(['hid-decode']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^omnistation hid-decode: no reports given/);
  });
});
