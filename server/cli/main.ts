// Runs in: node. Dispatches `omnistation <command>`; each command lives in commands/<name>.ts.
import { CliError } from './args.js';

type Command = { run(argv: string[]): Promise<number>; summary: string };

const commands: Record<string, () => Promise<Command>> = {
  init: () => import('./commands/init.js'),
  import: () => import('./commands/import.js'),
  serve: () => import('./commands/serve.js'),
  central: () => import('./commands/central.js'),
  register: () => import('./commands/register.js'),
  labels: () => import('./commands/labels.js'),
  'ble-decode': () => import('./commands/ble-decode.js'),
  demo: () => import('./commands/demo.js'),
  bench: () => import('./commands/bench.js'),
  'approval-score': () => import('./commands/approval-score.js'),
  'approval-eval': () => import('./commands/approval-eval.js'),
  'hid-decode': () => import('./commands/hid-decode.js'),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`omnistation: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    const command = await load();
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`omnistation ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

function usage(): string {
  return `usage: omnistation <command> [options]\ncommands: ${Object.keys(commands).join(', ')}\n`;
}
