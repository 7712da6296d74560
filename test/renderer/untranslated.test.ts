// Runs in: node (vitest). No untranslated key in the apps: every literal message key the
// renderer passes to t()/te() (scripts and templates) exists in the English messages (and so,
// by test/renderer/i18n.test.ts, in Korean), and every server error code the approval screens
// branch on has its own message.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/shared/messages/en';

type Tree = { [key: string]: string | Tree };

function has(tree: Tree, key: string): boolean {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return false;
    node = node[part];
  }
  return node !== undefined;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'messages' ? [] : files(path);
    return /\.(ts|vue)$/.test(name) ? [path] : [];
  });
}

describe('message keys used by the renderer', () => {
  it('all exist', () => {
    const missing: string[] = [];
    for (const file of files(join(process.cwd(), 'renderer'))) {
      const source = readFileSync(file, 'utf8');
      // t('a.b'), t("a.b"), te('a.b') and $t('a.b'); template literals with ${} are dynamic.
      for (const match of source.matchAll(/\b\$?te?\(\s*['"]([a-zA-Z][\w]*(?:\.[\w]+)+)['"]/g)) {
        if (!has(en as unknown as Tree, match[1]!)) missing.push(`${file.replace(process.cwd(), '')}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('include the approval error codes the shopper and the monitor meet', () => {
    for (const code of [
      'profile_exists',
      'profiles_unavailable',
      'approval_engine_unavailable',
      'question_unknown',
      'question_duplicate',
      'answer_empty',
      'choice_unknown',
      'question_changed',
      'dialogue_closed',
      'approval_not_needed',
      'not_enrolled',
      'approval_locked',
      'no_more_reasks',
      'no_more_questions',
      'not_held',
    ]) {
      expect(has(en as unknown as Tree, `errors.${code}`), code).toBe(true);
    }
  });
});
