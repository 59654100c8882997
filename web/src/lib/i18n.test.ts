import { formatMoney, formatTime, pickLocale, translate } from './i18n';

describe('i18n', () => {
  test('money in minor units, in the currency and the locale', () => {
    expect(formatMoney('en', { amount: 1499, currency: 'USD' })).toBe('$14.99');
    expect(formatMoney('es', { amount: 1499, currency: 'EUR' })).toMatch(/^14,99\s€$/);
    expect(formatMoney('en', { amount: 1500, currency: 'JPY' })).toBe('¥1,500'); // no minor unit
  });
  test('times in the store time zone, not the browser one', () => {
    expect(formatTime('en', '2026-11-26T17:00:00Z', 'America/New_York')).toBe('12:00 PM');
    expect(formatTime('es', '2026-11-26T17:00:00Z', 'Europe/Berlin')).toBe('18:00');
  });
  test('the language: asked, else stored, else the browser, else English', () => {
    expect(pickLocale('es', ['en-US'])).toBe('es');
    expect(pickLocale(null, ['es-MX', 'en'])).toBe('es');
    expect(pickLocale(null, ['de-DE'])).toBe('en');
  });
  test('messages fill their placeholders', () => {
    expect(translate('es', 'track_title', { number: 7 })).toBe('Pedido n.º 7');
  });
});
