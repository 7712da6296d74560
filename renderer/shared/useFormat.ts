// Runs in: renderer (DOM). Money and date formatting bound to the current UI language.
import { useI18n } from 'vue-i18n';
import { formatDateTime, formatDateTimeIn, formatDay, formatMoney, formatTime, formatTimeIn } from './format';

export function useFormat() {
  const { locale } = useI18n();
  const tag = (): string => (locale.value === 'ko' ? 'ko-KR' : 'en-US');
  return {
    money: (minor: number, currency: string | null | undefined): string =>
      currency ? formatMoney(minor, currency, tag()) : '',
    dateTime: (value: string): string => formatDateTime(value, tag()),
    time: (value: string): string => formatTime(value, tag()),
    day: (value: string): string => formatDay(value, tag()),
    dateTimeIn: (value: string, timeZone: string): string => formatDateTimeIn(value, tag(), timeZone),
    timeIn: (value: string, timeZone: string): string => formatTimeIn(value, tag(), timeZone),
  };
}
