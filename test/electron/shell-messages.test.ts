// Runs in: node (vitest). The main process speaks in codes; the wizard page words them. Every code
// has its Korean and English words with the same placeholders, every key the page asks for exists
// in both languages, and every code the utility process sends is one the page knows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SHELL_MESSAGE_CODES, SHELL_MESSAGE_MARK } from '../../electron/shared/bridge-api.js';
import { decodePageError, errorForPage, messageOf, ShellError } from '../../electron/main/shell-message.js';

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function wizardMessages(): { en: Record<string, string>; ko: Record<string, string> } {
  const sandbox: { window: { WIZARD_MESSAGES?: { en: Record<string, string>; ko: Record<string, string> } } } = { window: {} };
  runInNewContext(read('electron/pages/wizard-messages.js'), sandbox);
  return sandbox.window.WIZARD_MESSAGES!;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('coded messages', () => {
  const messages = wizardMessages();

  it('every code has words in English and Korean, with the same placeholders', () => {
    const missing: string[] = [];
    for (const code of SHELL_MESSAGE_CODES) {
      const en = messages.en[`msg.${code}`];
      const ko = messages.ko[`msg.${code}`];
      if (!en || !ko) missing.push(code);
      else expect(placeholders(ko), code).toEqual(placeholders(en));
    }
    expect(missing).toEqual([]);
  });

  it('both languages have the same keys, none empty, and no stray msg.* key', () => {
    expect(Object.keys(messages.ko).sort()).toEqual(Object.keys(messages.en).sort());
    for (const [lang, table] of Object.entries(messages)) {
      for (const [key, text] of Object.entries(table)) expect(text.trim(), `${lang} ${key}`).not.toBe('');
    }
    const codes = new Set<string>(SHELL_MESSAGE_CODES);
    expect(Object.keys(messages.en).filter((k) => k.startsWith('msg.') && !codes.has(k.slice(4)))).toEqual([]);
  });

  it('every key the page and its HTML ask for exists, and the translated values (steps, fields, actions) too', () => {
    const script = read('electron/pages/wizard.js');
    const html = read('electron/pages/wizard.html');
    const keys = new Set<string>([
      ...[...script.matchAll(/\bt\('([a-zA-Z.-]+)'/g)].map((m) => m[1]!),
      ...[...html.matchAll(/data-i18n(?:-placeholder)?="([a-zA-Z.-]+)"/g)].map((m) => m[1]!),
    ]);
    expect(keys.size).toBeGreaterThan(50);
    for (const id of ['store', 'register', 'credentials', 'devices', 'catalogue', 'labels']) keys.add(`step.${id}`);
    for (const action of ['store', 'register', 'credentials', 'devices', 'catalogue', 'labels', 'skip', 'finish']) keys.add(`action.${action}`);
    for (const field of ['centralUrl', 'adminToken', 'address', 'storeId', 'name']) keys.add(`field.${field}`);
    for (const state of ['starting', 'running', 'restarting', 'stopping', 'stopped', 'failed']) keys.add(`server.${state}`);
    for (const state of ['starting', 'scanning', 'unavailable', 'powered-off', 'stopped', 'absent']) keys.add(`radio.${state}`);
    const missing = [...keys].filter((key) => !(key in messages.en) || !(key in messages.ko));
    expect(missing).toEqual([]);
  });

  it('every code the main and utility processes send is a known one', () => {
    const codes = new Set<string>(SHELL_MESSAGE_CODES);
    const sources = [
      'electron/main/wizard.ts',
      'electron/main/wizard-client.ts',
      'electron/main/wizard-handlers.ts',
      'electron/main/device-test.ts',
      'electron/main/admin-gate.ts',
      'electron/main/ipc.ts',
      'electron/utility/wizard-actions.ts',
      'electron/utility/store-host.ts',
    ];
    const used = new Set<string>();
    for (const file of sources) {
      const text = read(file);
      for (const m of text.matchAll(/(?:Error|shellMessage|super)\(\s*'([a-z]+\.[a-zA-Z]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/code: '([a-z]+\.[a-zA-Z]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((code) => !codes.has(code))).toEqual([]);
  });

  it('an error crosses IPC as English plus the code, and comes back out', () => {
    const coded = errorForPage(new ShellError('reader.noTap', { seconds: 20 }, 'no card within 20 s'));
    expect(coded.message).toBe(`no card within 20 s ${SHELL_MESSAGE_MARK}{"code":"reader.noTap","params":{"seconds":20}}`);
    // Electron prefixes the message on the page's side.
    expect(decodePageError(`Error invoking remote method 'x': Error: ${coded.message}`)).toEqual({ code: 'reader.noTap', params: { seconds: 20 } });
    expect(messageOf(new Error('disk full'))).toEqual({ code: 'error.other', params: { reason: 'disk full' } });
    expect(decodePageError('plain')).toBeNull();
  });
});
