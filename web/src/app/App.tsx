import { lazy, Suspense } from 'react';
import { I18nContext } from '../lib/i18n';
import { LanguagePicker, useLocaleState } from '../lib/locale';
import { useCart } from '../lib/cart';
import { Link, usePath } from '../lib/router';
import { useSession } from '../lib/session';
import { Finder } from './Finder';
import { StorePage } from './StorePage';

// Checkout, tracking and the account load when first needed: the menu's first load stays small.
const CartPage = lazy(() => import('./CartPage'));
const TrackPage = lazy(() => import('./TrackPage'));
const AccountPage = lazy(() => import('./AccountPage'));

export function App() {
  const i18n = useLocaleState();
  const path = usePath();
  const cart = useCart();
  const session = useSession();
  const { t } = i18n;
  const count = cart.lines.length;
  let page;
  let m: RegExpMatchArray | null;
  if ((m = path.match(/^\/store\/([^/]+)\/?$/))) page = <StorePage storeId={decodeURIComponent(m[1])} />;
  else if (path === '/cart') page = <CartPage />;
  else if ((m = path.match(/^\/track\/([^/]+)\/?$/))) page = <TrackPage trackingKey={decodeURIComponent(m[1])} />;
  else if ((m = path.match(/^\/orders\/([^/]+)\/?$/))) page = <TrackPage orderId={decodeURIComponent(m[1])} />;
  else if (path === '/account') page = <AccountPage />;
  else page = <Finder />;
  return (
    <I18nContext.Provider value={i18n}>
      <a className="skip" href="#main">{t('skip')}</a>
      <header className="top">
        <Link href="/" className="brand"><img src="/icons/icon.svg" alt="" width="28" height="28" /> {t('appName')}</Link>
        <nav aria-label="main">
          <Link href="/">{t('nav_stores')}</Link>
          {cart.storeId && <Link href={`/store/${encodeURIComponent(cart.storeId)}`}>{t('nav_menu')}</Link>}
          <Link href="/cart" data-testid="cart-link">{t('nav_cart')}{count ? ` (${count})` : ''}</Link>
          <Link href="/account">{session?.account?.name ?? t('nav_account')}</Link>
        </nav>
        <LanguagePicker i18n={i18n} />
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p>{t('loading')}</p>}>{page}</Suspense>
      </main>
    </I18nContext.Provider>
  );
}
