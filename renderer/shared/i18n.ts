// Runs in: renderer (DOM). vue-i18n setup shared by the apps: Korean and English, the browser's
// language by default, a run-time switch remembered in localStorage, server errors by code.
import { createI18n, useI18n } from 'vue-i18n';
import { en, type Messages } from './messages/en';
import { ko } from './messages/ko';
import { FALLBACK_LOCALE, LOCALE_STORAGE_KEY, pickLocale, type Locale } from './locale';
import { ApiError } from './http';

export type { Locale } from './locale';

function savedLocale(): string | null {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode): the browser language still applies
  }
}

export function createAppI18n() {
  const locale = pickLocale(savedLocale(), navigator.languages ?? [navigator.language]);
  const i18n = createI18n<[Messages], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: FALLBACK_LOCALE,
    messages: { ko, en },
    missingWarn: import.meta.env.DEV,
    fallbackWarn: import.meta.env.DEV,
  });
  document.documentElement.lang = locale;
  return i18n;
}

export type AppI18n = ReturnType<typeof createAppI18n>;

/** Switches the language now (pass the global composer's `locale`) and remembers it. */
export function setLocale(current: { value: string }, locale: Locale): void {
  current.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // not remembered, still switched
  }
}

/**
 * The translated text of an error: a known server code → our message; otherwise the server's
 * own message; otherwise a generic one. Non-API errors get the generic message.
 */
export function useErrorText() {
  const { t, te } = useI18n();
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      const key = `errors.${error.code}`;
      if (te(key)) return t(key);
      if (error.message.length > 0) return error.message;
    }
    return t('errors.unknown');
  };
}
