// Runs in: main. Errors and step results as codes with values, so the pages say them in their own
// language; the English text stays on the error for the shell's log.
import { SHELL_MESSAGE_MARK, type ShellMessage, type ShellMessageCode } from '../shared/bridge-api.js';

export class ShellError extends Error {
  constructor(
    readonly code: ShellMessageCode,
    readonly params: Record<string, string | number>,
    english: string,
  ) {
    super(english);
  }

  toMessage(): ShellMessage {
    return { code: this.code, params: { ...this.params } };
  }
}

export function shellMessage(code: ShellMessageCode, params: Record<string, string | number> = {}): ShellMessage {
  return { code, params };
}

/** What the page is told about any error: its code, or its English reason as it is. */
export function messageOf(error: unknown): ShellMessage {
  if (error instanceof ShellError) return error.toMessage();
  return shellMessage('error.other', { reason: error instanceof Error ? error.message : String(error) });
}

/** The Error an IPC handler throws: Electron hands the page only its message, which then carries
 * the English reason (for a page that cannot decode it) and the coded message after the mark. */
export function errorForPage(error: unknown): Error {
  const english = error instanceof Error ? error.message : String(error);
  return new Error(`${english} ${SHELL_MESSAGE_MARK}${JSON.stringify(messageOf(error))}`);
}

/** The coded message back out of an invoke's rejection (as the pages do it). */
export function decodePageError(text: string): ShellMessage | null {
  const at = text.lastIndexOf(SHELL_MESSAGE_MARK);
  if (at < 0) return null;
  try {
    return JSON.parse(text.slice(at + SHELL_MESSAGE_MARK.length)) as ShellMessage;
  } catch {
    return null;
  }
}
