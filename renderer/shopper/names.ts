// Runs in: renderer (DOM). Which product name to use in a sentence for the current language.
export function localName(item: { name: string; nameEn?: string | undefined }, locale: string): string {
  return locale === 'en' && item.nameEn ? item.nameEn : item.name;
}
