import { useI18n } from '../lib/i18n';

export interface CardFields {
  number: string;
  exp_month: string;
  exp_year: string;
  cvc: string;
}
export const emptyCard: CardFields = { number: '', exp_month: '', exp_year: '', cvc: '' };

/** Card entry. Its values go to the tokenize endpoint only (api.tokenizeCard), never elsewhere. */
/** Sandbox test cards are shown on a local demo (or with ?demo=1), never on a production page. */
export function isDemo(): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname) || new URLSearchParams(location.search).has('demo');
}

export function CardForm({ value, onChange, showTestCards }: { value: CardFields; onChange: (c: CardFields) => void; showTestCards: boolean }) {
  const { t } = useI18n();
  const field = (key: keyof CardFields, label: string, props: Record<string, string | number>) => (
    <label>
      {label}
      <input required value={value[key]} onChange={(e) => onChange({ ...value, [key]: e.target.value })} {...props} />
    </label>
  );
  return (
    <fieldset className="card-form">
      <legend>{t('card')}</legend>
      {field('number', t('card_number'), { inputMode: 'numeric', autoComplete: 'cc-number', name: 'cc-number', maxLength: 23 })}
      <div className="row3">
        {field('exp_month', t('card_exp_month'), { inputMode: 'numeric', autoComplete: 'cc-exp-month', placeholder: 'MM', maxLength: 2 })}
        {field('exp_year', t('card_exp_year'), { inputMode: 'numeric', autoComplete: 'cc-exp-year', placeholder: 'YYYY', maxLength: 4 })}
        {field('cvc', t('card_cvc'), { inputMode: 'numeric', autoComplete: 'cc-csc', maxLength: 4 })}
      </div>
      <p className="note">{t('card_note')}</p>
      {showTestCards && <p className="note test-cards">{t('test_cards')}</p>}
    </fieldset>
  );
}

export function cardInput(c: CardFields) {
  return { number: c.number.replace(/\s+/g, ''), exp_month: c.exp_month.trim(), exp_year: c.exp_year.trim(), cvc: c.cvc.trim() };
}
