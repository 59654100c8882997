import type { Quote } from '../api/types';
import { useI18n } from '../lib/i18n';

/** The server's prices: lines, discounts, tax, delivery fee, tip, total. */
export function QuoteSummary({ quote }: { quote: Quote }) {
  const { t, money } = useI18n();
  return (
    <dl className="summary" data-testid="quote">
      {quote.lines.map((l, i) => (
        <div key={i} className="row">
          <dt>{l.quantity} × {l.name}</dt>
          <dd>{money(l.line_total)}</dd>
        </div>
      ))}
      <div className="row"><dt>{t('subtotal')}</dt><dd>{money(quote.subtotal)}</dd></div>
      {quote.discount_total.amount > 0 && (
        <div className="row"><dt>{t('discount')}{quote.discounts?.length ? ` (${quote.discounts.map((d) => d.name).join(', ')})` : ''}</dt><dd>−{money(quote.discount_total)}</dd></div>
      )}
      <div className="row"><dt>{t('tax')}{quote.tax_mode === 'inclusive' ? ' (incl.)' : ''}</dt><dd>{money(quote.tax_total)}</dd></div>
      {quote.delivery_fee.amount > 0 && <div className="row"><dt>{t('delivery')}</dt><dd>{money(quote.delivery_fee)}</dd></div>}
      {quote.tip.amount > 0 && <div className="row"><dt>{t('tip')}</dt><dd>{money(quote.tip)}</dd></div>}
      <div className="row total"><dt>{t('total')}</dt><dd data-testid="total">{money(quote.total)}</dd></div>
    </dl>
  );
}
