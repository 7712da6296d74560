// Runs in: node. Argument parsing shared by the CLI commands: errors become one clear line.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { openStation, StationError, type Station } from '../store/station.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

export function requireOption(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new CliError(`${flag} is required`);
  return value;
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--port must be an integer from 0 to 65535, not "${value}"`);
  }
  return port;
}

/** Opens a station data folder for a command; a missing or foreign folder is a one-line error. */
export function openStationOrFail(dataDir: string): Station {
  try {
    return openStation(dataDir);
  } catch (error) {
    if (error instanceof StationError) throw new CliError(error.message, 1);
    throw error;
  }
}
