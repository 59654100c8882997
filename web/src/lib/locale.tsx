// The chosen language: ?lang=, then what the customer picked before, then the browser's.
import { useCallback, useMemo, useState } from 'react';
import { formatMoney, type I18n, type Locale, LOCALES, pickLocale, translate } from './i18n';

export function useLocaleState(): I18n {
  const [locale, setLocaleState] = useState<Locale>(() =>
    pickLocale(new URLSearchParams(location.search).get('lang') ?? localStorage.getItem('vetahut.locale'), navigator.languages ?? []),
  );
  const setLocale = useCallback((l: Locale) => {
    localStorage.setItem('vetahut.locale', l);
    document.documentElement.lang = l;
    setLocaleState(l);
  }, []);
  document.documentElement.lang = locale;
  return useMemo(() => ({ locale, setLocale, t: (k, v) => translate(locale, k, v), money: (m) => formatMoney(locale, m) }), [locale, setLocale]);
}

export function LanguagePicker({ i18n }: { i18n: I18n }) {
  return (
    <label className="lang">
      <span className="sr-only">{i18n.t('language')}</span>
      <select value={i18n.locale} onChange={(e) => i18n.setLocale(e.target.value as Locale)} aria-label={i18n.t('language')}>
        {LOCALES.map((l) => (
          <option key={l} value={l}>{l === 'en' ? 'English' : 'Español'}</option>
        ))}
      </select>
    </label>
  );
}

