#!/usr/bin/env node
// Runs in: node (tooling). The static security check of the desktop shell, part of `npm run lint`:
// runs @doyensec/electronegativity over electron/ (sources) and out/ (the bundles electron-vite
// builds, built first with --build) and fails on any finding above informational that the
// reviewed allow-list (build/electronegativity-allowlist.json) does not answer with a reason. An
// allow-list entry that no longer matches anything fails too, so the list cannot rot.
// Offline: the tool's two network calls (translations, Electron release list) are cut off here.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const toolDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));

// The tool fetches translations from S3 on start-up; serve its bundled English instead.
const i18nPath = join(toolDir, 'dist/locales/i18n.js');
const i18n = require('i18n');
function localI18n() {
  i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: join(toolDir, 'dist/locales'), updateFiles: false, objectNotation: true, register: globalThis });
  i18n.setLocale('en-US');
  return Promise.resolve();
}
require.cache[i18nPath] = { id: i18nPath, filename: i18nPath, loaded: true, exports: Object.assign(localI18n, { default: localI18n }) };
const run = require(join(toolDir, 'dist/runner.js'));

const argv = process.argv.slice(2);
const args = new Set(argv);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
// --input DIR (repeatable in spirit: comma-separated) and --allow-list FILE exist for the script's own tests.
const allowListFile = resolve(root, option('--allow-list') ?? 'build/electronegativity-allowlist.json');
if (args.has('--build')) {
  execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'error'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const electronVersion = (pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? '').replace(/^[^\d]*/, '');
const inputs = (option('--input')?.split(',') ?? ['electron', 'out']).filter((dir) => existsSync(resolve(root, dir)));

/** @type {{ check: string, file: string, reason: string }[]} */
const allowList = JSON.parse(readFileSync(allowListFile, 'utf8')).findings;
for (const entry of allowList) {
  if (!entry.check || !entry.file || !entry.reason || entry.reason.trim().length < 20) {
    console.error(`electronegativity: allow-list entry ${JSON.stringify(entry)} needs check, file and a real reason`);
    process.exit(1);
  }
}

const started = Date.now();
const findings = [];
for (const input of inputs) {
  const result = await run(
    {
      input: resolve(root, input),
      // AvailableSecurityFixes downloads Electron's release list: a network call, and a question
      // for the dependency update, not for this code. The CSP check runs on electron/, where the
      // shell's pages are; out/ holds bundles only and would report "no CSP" for want of pages.
      excludeFromScan: input.endsWith('out') ? ['AvailableSecurityFixesGlobalCheck', 'CSPGlobalCheck'] : ['AvailableSecurityFixesGlobalCheck'],
      customScan: [],
      isRelative: false,
      electronVersionOverride: electronVersion || undefined,
      parserPlugins: [],
    },
    false,
  );
  for (const error of result.errors.filter((e) => !e.tolerable)) {
    console.error(`electronegativity: could not parse ${relative(root, error.file)}: ${error.message}`);
    // A file the tool cannot read is a file it did not check.
    process.exitCode = 1;
  }
  for (const issue of result.issues) {
    findings.push({
      check: issue.id,
      file: relative(root, issue.file).split('\\').join('/'),
      line: issue.location?.line ?? 0,
      severity: issue.severity.name,
      severityValue: issue.severity.value,
      description: issue.description,
    });
  }
}

const informational = findings.filter((f) => f.severity === 'INFORMATIONAL');
const serious = findings.filter((f) => f.severity !== 'INFORMATIONAL');
const answered = (f) => allowList.find((a) => a.check === f.check && a.file === f.file);
const unanswered = serious.filter((f) => !answered(f));
// Only entries for files under a scanned input can be judged stale (a run over electron/ alone
// says nothing about out/).
const scanned = (file) => inputs.some((input) => !relative(resolve(root, input), resolve(root, file)).startsWith('..'));
const stale = allowList.filter((a) => scanned(a.file) && !serious.some((f) => a.check === f.check && a.file === f.file));

for (const f of unanswered) console.error(`✗ ${f.severity} ${f.check} ${f.file}:${f.line}\n    ${f.description}`);
for (const a of stale) console.error(`✗ allow-list entry matches no finding any more (remove it): ${a.check} ${a.file}`);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `electronegativity: ${inputs.join(', ')} — ${serious.length} finding(s) above informational, ${serious.length - unanswered.length} answered in the allow-list, ${informational.length} informational (${seconds} s)`,
);
if (args.has('--verbose')) for (const f of [...serious, ...informational]) console.log(`  ${f.severity} ${f.check} ${f.file}:${f.line}`);
if (unanswered.length > 0 || stale.length > 0) process.exitCode = 1;
