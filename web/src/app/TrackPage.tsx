import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import { follow } from '../api/stream';
import type { Order, OrderStatus, Store, TrackingEvent } from '../api/types';
import { formatTime, type MessageKey, useI18n } from '../lib/i18n';
import { freshToken } from '../lib/session';

const CARRYOUT: OrderStatus[] = ['confirmed', 'preparing', 'baking', 'ready', 'picked_up'];
const DELIVERY: OrderStatus[] = ['confirmed', 'preparing', 'baking', 'ready', 'out_for_delivery', 'delivered'];
const DINE_IN: OrderStatus[] = ['confirmed', 'preparing', 'baking', 'ready', 'served'];

/** Live tracking from the order's event stream: status steps and the promise time. */
export default function TrackPage({ trackingKey, orderId }: { trackingKey?: string; orderId?: string }) {
  const { t, locale } = useI18n();
  const [order, setOrder] = useState<Order | null>(null);
  const [store, setStore] = useState<Store | null>(null);
  const [status, setStatus] = useState<OrderStatus | null>(null);
  const [promised, setPromised] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      try {
        const token = orderId ? await freshToken() : null;
        const o = trackingKey ? await api.tracked(trackingKey) : await api.order(orderId as string);
        setOrder(o);
        setStatus(o.status);
        setPromised(o.promised_at);
        api.store(o.store_id).then(setStore).catch(() => {});
        const url = trackingKey ? `/api/v1/tracking/${encodeURIComponent(trackingKey)}/events` : `/api/v1/orders/${encodeURIComponent(o.id)}/events`;
        await follow(url, (e) => {
          if (e.event !== 'status') return;
          const data = JSON.parse(e.data) as TrackingEvent;
          setStatus(data.status);
          if (data.promised_at) setPromised(data.promised_at);
        }, abort.signal, token);
      } catch (e) {
        if (!abort.signal.aborted) setError(e instanceof ApiError ? e.message : String(e));
      }
    })();
    return () => abort.abort();
  }, [trackingKey, orderId]);
  if (error) return <p className="error" role="alert">{t('error', { message: error })}</p>;
  if (!order || !status) return <p>{t('loading')}</p>;
  const steps = order.type === 'delivery' ? DELIVERY : order.type === 'dine_in' ? DINE_IN : CARRYOUT;
  const at = steps.indexOf(status);
  const zone = store?.timezone ?? 'UTC';
  return (
    <div className="track">
      <h1>{t('track_title', { number: order.number })}</h1>
      {store && <p>{store.name}</p>}
      <p className="status" role="status" aria-live="polite" data-testid="status" data-status={status}>
        {t(`status_${status}` as MessageKey)}
      </p>
      {promised && at >= 0 && at < steps.length - 1 && (
        <p data-testid="promised">{t('track_promised', { time: formatTime(locale, promised, zone) })}</p>
      )}
      <ol className="steps" aria-label={t('track_status')}>
        {steps.map((s, i) => (
          <li key={s} className={i < at ? 'done' : i === at ? 'current' : ''} aria-current={i === at ? 'step' : undefined}>
            {t(`status_${s}` as MessageKey)}
          </li>
        ))}
      </ol>
      {trackingKey && <p className="meta">{t('track_link')}</p>}
    </div>
  );
}
