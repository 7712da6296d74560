// Runs in: renderer (DOM). The shopper app's one error banner (label refusals, cart and
// checkout errors). It keeps the error itself, so its text follows a language switch.
import { shallowReactive } from 'vue';

export const notice = shallowReactive<{ error: unknown; text: string | null; retry: (() => void) | null }>({
  error: null,
  text: null,
  retry: null,
});

/** Shows an error (translated by code when it is an ApiError); `retry` adds a retry button. */
export function showError(error: unknown, retry: (() => void) | null = null): void {
  notice.error = error;
  notice.text = null;
  notice.retry = retry;
}

/** Shows a message key's text that the caller already translated. */
export function showMessage(text: string, retry: (() => void) | null = null): void {
  notice.error = null;
  notice.text = text;
  notice.retry = retry;
}

export function clearNotice(): void {
  notice.error = null;
  notice.text = null;
  notice.retry = null;
}

export function hasNotice(): boolean {
  return notice.error !== null || notice.text !== null;
}
