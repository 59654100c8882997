import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, newIdempotencyKey, placeWithKey } from '../api/client';
import type { DeliveryCheck, Loyalty, Menu, Quote, Slots, Store } from '../api/types';
import { clearCart, quoteRequest, removeLine, updateCart, useCart } from '../lib/cart';
import { formatTime, useI18n } from '../lib/i18n';
import { Link, navigate } from '../lib/router';
import { freshToken, useSession } from '../lib/session';
import { CardForm, cardInput, emptyCard, isDemo } from '../ui/CardForm';
import { QuoteSummary } from '../ui/QuoteSummary';

const TIPS = [0, 10, 15, 20];

/** The store-local date (YYYY-MM-DD) of now, for the slots of today. */
function storeToday(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}


export default function CartPage() {
  const { t, money, locale } = useI18n();
  const cart = useCart();
  const session = useSession();
  const [store, setStore] = useState<Store | null>(null);
  const [menu, setMenu] = useState<Menu | null>(null);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [quoteError, setQuoteError] = useState<{ field?: string; message: string } | null>(null);
  const [couponDraft, setCouponDraft] = useState(cart.coupon);
  const [check, setCheck] = useState<DeliveryCheck | null>(null);
  const [slots, setSlots] = useState<Slots | null>(null);
  const [loyalty, setLoyalty] = useState<Loyalty | null>(null);
  const [contact, setContact] = useState({ name: '', email: '', phone: '' });
  const [card, setCard] = useState(emptyCard);
  const [placing, setPlacing] = useState(false);
  const [placeError, setPlaceError] = useState<string | null>(null);
  const storeId = cart.storeId;

  useEffect(() => {
    if (!storeId) return;
    api.store(storeId).then(setStore).catch(() => {});
    api.menu(storeId, locale).then(setMenu).catch(() => {});
  }, [storeId, locale]);
  useEffect(() => {
    if (session) api.loyalty().then(setLoyalty).catch(() => setLoyalty(null));
  }, [session]);
  useEffect(() => {
    if (!storeId || !store) return;
    api.slots(storeId, cart.type, storeToday(store.timezone)).then(setSlots).catch(() => setSlots(null));
  }, [storeId, store, cart.type]);
  useEffect(() => {
    if (!storeId || cart.type !== 'delivery' || !cart.address) return setCheck(null);
    api.deliveryCheck(storeId, cart.address.latitude, cart.address.longitude).then(setCheck).catch(() => setCheck(null));
  }, [storeId, cart.type, cart.address]);

  const request = useMemo(() => {
    const base = quoteRequest(cart);
    return base;
  }, [cart]);
  const tipAmount = quote && cart.tipPercent ? Math.round((quote.net_subtotal?.amount ?? quote.subtotal.amount) * cart.tipPercent / 100) : 0;
  useEffect(() => {
    if (!storeId || cart.lines.length === 0) return setQuote(null);
    if (cart.type === 'delivery' && !cart.address) return setQuote(null);
    let live = true;
    const body = { ...request, ...(tipAmount > 0 && quote ? { tip: { amount: tipAmount, currency: quote.currency } } : {}) };
    api.quote(body)
      .then((q) => live && (setQuote(q), setQuoteError(null)))
      .catch((e: unknown) => {
        if (!live) return;
        const err = e instanceof ApiError ? e : new ApiError(0, String(e));
        setQuoteError({ field: err.fields[0]?.field, message: err.message });
        if (err.fields[0]?.field === 'coupon_code' && cart.coupon) {
          // The coupon does not apply: say why, and price the cart without it.
          api.quote({ ...body, coupon_code: undefined }).then((q) => live && setQuote(q)).catch(() => {});
        } else {
          setQuote(null);
        }
      });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request, tipAmount, storeId]);

  if (!storeId || cart.lines.length === 0) {
    return (
      <div className="cart">
        <h1>{t('cart_title')}</h1>
        <p>{t('cart_empty')}</p>
        <Link href={storeId ? `/store/${encodeURIComponent(storeId)}` : '/'} className="button primary">{t('cart_browse')}</Link>
      </div>
    );
  }
  const couponError = quoteError?.field === 'coupon_code' ? quoteError.message : null;
  const otherError = quoteError && quoteError.field !== 'coupon_code' ? quoteError.message : null;
  const where = JSON.parse(sessionStorage.getItem('vetahut.where') ?? 'null') as { lat: number; lon: number } | null;
  const rewards = (menu?.rewards ?? []).filter((r) => loyalty && r.points <= loyalty.balance);

  const place = async () => {
    if (!quote || !store) return;
    setPlacing(true);
    setPlaceError(null);
    const guest = !session || !(await freshToken());
    try {
      const token = await api.tokenizeCard(cardInput(card), guest);
      const body = {
        ...quoteRequest(cart, tipAmount > 0 ? { amount: tipAmount, currency: quote.currency } : undefined),
        payment: { method: 'card' as const, token: token.token },
      };
      const key = newIdempotencyKey();
      // A retry with the same key gets the same order, never two.
      const placed = await placeWithKey(() => (guest ? api.placeGuestOrder({ ...body, contact }, key) : api.placeOrder(body, key)));
      clearCart();
      setCard(emptyCard);
      navigate(guest ? `/track/${encodeURIComponent(placed.tracking_key)}` : `/orders/${encodeURIComponent(placed.id)}`);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, String(e));
      setPlaceError(err.status === 402 ? t('declined', { reason: err.message }) : err.fields.length ? err.fields.map((f) => `${f.field}: ${f.message}`).join('; ') : err.message);
    } finally {
      setPlacing(false);
    }
  };

  return (
    <div className="cart">
      <h1>{t('cart_title')}</h1>
      <ul className="lines">
        {cart.lines.map((l) => (
          <li key={l.key}>
            <div>
              <strong>{l.item?.quantity && l.item.quantity > 1 ? `${l.item.quantity} × ` : ''}{l.name}</strong>
              {l.summary && <p className="meta">{l.summary}</p>}
            </div>
            <button type="button" onClick={() => removeLine(l.key)} aria-label={`${t('remove')}: ${l.name}`}>{t('remove')}</button>
          </li>
        ))}
      </ul>

      <fieldset>
        <legend>{t('order_type')}</legend>
        <div className="choices">
          {(['carryout', 'delivery'] as const).filter((ty) => store?.services.includes(ty) ?? true).map((ty) => (
            <label key={ty} className="choice">
              <input type="radio" name="type" checked={cart.type === ty} onChange={() => updateCart({ type: ty })} />
              <span>{t(ty)}</span>
            </label>
          ))}
        </div>
        {cart.type === 'delivery' && (
          <div className="address">
            <label>{t('address_line')}
              <input value={cart.address?.line1 ?? ''} autoComplete="address-line1"
                onChange={(e) => updateCart((c) => ({ address: { line1: e.target.value, city: c.address?.city ?? '', latitude: c.address?.latitude ?? where?.lat ?? 0, longitude: c.address?.longitude ?? where?.lon ?? 0 } }))} />
            </label>
            <label>{t('city')}
              <input value={cart.address?.city ?? ''} autoComplete="address-level2"
                onChange={(e) => updateCart((c) => ({ address: { line1: c.address?.line1 ?? '', city: e.target.value, latitude: c.address?.latitude ?? where?.lat ?? 0, longitude: c.address?.longitude ?? where?.lon ?? 0 } }))} />
            </label>
            {check && (check.deliverable
              ? <p className="meta">{t('delivery_fee', { fee: money(check.fee), min: money(check.minimum_order), minutes: check.estimated_minutes ?? '' })}</p>
              : <p className="error" role="alert">{t('not_deliverable')}</p>)}
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>{t('when')}</legend>
        <div className="choices">
          <label className="choice">
            <input type="radio" name="when" checked={!cart.scheduledFor} onChange={() => updateCart({ scheduledFor: null })} />
            <span>{t('asap')}{quote && !cart.scheduledFor && store ? ` · ${t('ready_by', { time: formatTime(locale, quote.promised_at, store.timezone) })}` : ''}</span>
          </label>
          {slots && slots.slots.some((s) => s.available) && (
            <label className="choice">
              <input type="radio" name="when" checked={!!cart.scheduledFor}
                onChange={() => updateCart({ scheduledFor: slots.slots.find((s) => s.available)?.start ?? null })} />
              <span>{t('schedule')}</span>
            </label>
          )}
        </div>
        {cart.scheduledFor && slots && store && (
          <label>{t('slot')}
            <select value={cart.scheduledFor} onChange={(e) => updateCart({ scheduledFor: e.target.value })}>
              {slots.slots.filter((s) => s.available).map((s) => (
                <option key={s.start} value={s.start}>{formatTime(locale, s.start, store.timezone)}–{formatTime(locale, s.end, store.timezone)}</option>
              ))}
            </select>
          </label>
        )}
      </fieldset>

      <form className="coupon" onSubmit={(e) => { e.preventDefault(); updateCart({ coupon: couponDraft }); }}>
        <label>{t('coupon')}
          <input value={couponDraft} onChange={(e) => setCouponDraft(e.target.value)} aria-invalid={!!couponError}
            aria-describedby={couponError ? 'coupon-error' : undefined} name="coupon" />
        </label>
        <button type="submit">{t('apply')}</button>
        {couponError && <p id="coupon-error" className="error" role="alert" data-testid="coupon-error">{couponError}</p>}
      </form>

      <fieldset>
        <legend>{t('tip')}</legend>
        <div className="choices">
          {TIPS.map((p) => (
            <label key={p} className="choice">
              <input type="radio" name="tip" checked={cart.tipPercent === p} onChange={() => updateCart({ tipPercent: p })} />
              <span>{p ? `${p}%` : t('no_tip')}</span>
            </label>
          ))}
        </div>
      </fieldset>

      {session && loyalty && (
        <label>{t('reward')} ({t('points', { n: loyalty.balance })})
          <select value={cart.rewardId} onChange={(e) => updateCart({ rewardId: e.target.value })}>
            <option value="">{t('no_reward')}</option>
            {rewards.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
      )}

      {otherError && <p className="error" role="alert">{otherError}</p>}
      {quote && <QuoteSummary quote={quote} />}

      <form className="checkout" onSubmit={(e) => { e.preventDefault(); void place(); }}>
        <h2>{t('checkout')}</h2>
        {session?.account ? (
          <p>{t('signed_in_as', { name: session.account.name })}</p>
        ) : (
          <fieldset>
            <legend>{t('guest')}</legend>
            <label>{t('name')}<input required autoComplete="name" name="name" value={contact.name} onChange={(e) => setContact({ ...contact, name: e.target.value })} /></label>
            <label>{t('email')}<input required type="email" autoComplete="email" name="email" value={contact.email} onChange={(e) => setContact({ ...contact, email: e.target.value })} /></label>
            <label>{t('phone')}<input required type="tel" autoComplete="tel" name="phone" value={contact.phone} onChange={(e) => setContact({ ...contact, phone: e.target.value })} /></label>
            <p className="meta"><Link href="/account">{t('sign_in')}</Link></p>
          </fieldset>
        )}
        <CardForm value={card} onChange={setCard} showTestCards={isDemo()} />
        {placeError && <p className="error" role="alert" data-testid="place-error">{placeError}</p>}
        <button type="submit" className="primary big" disabled={!quote || placing || !!otherError} data-testid="place-order">
          {placing ? t('placing') : t('place_order', { price: quote ? money(quote.total) : '…' })}
        </button>
      </form>
    </div>
  );
}
