// English and Spanish (the menu's locales). Money and times are formatted with Intl in the
// store's currency and time zone, never the browser's.
import { createContext, useContext } from 'react';
import type { Money } from '../api/types';

export type Locale = 'en' | 'es';
export const LOCALES: Locale[] = ['en', 'es'];

const en = {
  appName: 'Veta Hut',
  skip: 'Skip to content',
  language: 'Language',
  nav_stores: 'Stores',
  nav_menu: 'Menu',
  nav_cart: 'Cart',
  nav_account: 'Account',
  finder_title: 'Find a Veta Hut',
  finder_use_location: 'Use my location',
  finder_or: 'or search near',
  finder_lat: 'Latitude',
  finder_lon: 'Longitude',
  finder_search: 'Search',
  finder_pick: 'Order here',
  finder_locating: 'Finding stores…',
  finder_none: 'No store found near there.',
  finder_presets: 'Popular areas',
  open_now: 'Open now',
  closed_until: 'Closed · opens {when}',
  closes_at: 'Open until {when}',
  paused: 'Not taking orders right now',
  km_away: '{km} km away',
  menu_title: 'Menu',
  unavailable: 'Sold out today',
  calories: '{n} kcal',
  allergens: 'Allergens: {list}',
  add: 'Add',
  customize: 'Build it',
  from_price: 'from {price}',
  builder_title: 'Build your {name}',
  size: 'Size',
  crust: 'Crust',
  toppings: 'Toppings',
  portion_none: 'None',
  portion_whole: 'Whole',
  portion_left: 'Left half',
  portion_right: 'Right half',
  amount: 'Amount',
  amount_light: 'Light',
  amount_normal: 'Normal',
  amount_extra: 'Extra',
  quantity: 'Quantity',
  price_each: 'Price',
  pricing: 'Pricing…',
  add_to_cart: 'Add to cart · {price}',
  close: 'Close',
  deals: 'Deals',
  deal_choose: 'Choose for {slot}',
  deal_add: 'Add deal · {price}',
  cart_title: 'Your order',
  cart_empty: 'Your cart is empty.',
  cart_browse: 'See the menu',
  remove: 'Remove',
  order_type: 'How do you want it?',
  carryout: 'Carry-out',
  delivery: 'Delivery',
  address: 'Delivery address',
  address_line: 'Street and number',
  city: 'City',
  delivery_fee: 'Delivery fee {fee}, minimum {min}, about {minutes} min',
  not_deliverable: 'Sorry, that address is outside our delivery area.',
  when: 'When',
  asap: 'As soon as possible',
  schedule: 'Schedule',
  slot: 'Time slot',
  coupon: 'Coupon code',
  apply: 'Apply',
  tip: 'Tip',
  no_tip: 'No tip',
  reward: 'Loyalty reward',
  no_reward: 'No reward',
  subtotal: 'Subtotal',
  discount: 'Discounts',
  tax: 'Tax',
  total: 'Total',
  ready_by: 'Ready around {time}',
  checkout: 'Checkout',
  guest: 'Check out as a guest',
  signed_in_as: 'Signed in as {name}',
  name: 'Name',
  email: 'Email',
  phone: 'Phone (with country code, e.g. +12125550100)',
  card: 'Card',
  card_number: 'Card number',
  card_exp_month: 'Expiry month',
  card_exp_year: 'Expiry year',
  card_cvc: 'Security code (CVC)',
  card_note: 'Your card number goes only to our payment processor.',
  test_cards: 'Sandbox test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined, any future expiry and CVC.',
  place_order: 'Place order · {price}',
  placing: 'Placing your order…',
  declined: 'Your card was declined: {reason}. Your cart is kept; try another card.',
  track_title: 'Order #{number}',
  track_status: 'Status',
  track_promised: 'Expected {time}',
  track_link: 'Bookmark this page to follow your order.',
  status_pending_payment: 'Checking payment',
  status_confirmed: 'Order received',
  status_preparing: 'Making your pizza',
  status_baking: 'In the oven',
  status_ready: 'Ready',
  status_out_for_delivery: 'On the way',
  status_delivered: 'Delivered',
  status_picked_up: 'Picked up',
  status_served: 'Served',
  status_cancelled: 'Cancelled',
  status_rejected: 'Rejected',
  status_refunded: 'Refunded',
  account_title: 'Your account',
  sign_in: 'Sign in',
  sign_out: 'Sign out',
  register: 'Create an account',
  password: 'Password',
  history: 'Your orders',
  no_orders: 'No orders yet.',
  reorder: 'Order again',
  loyalty: 'Loyalty points',
  points: '{n} points',
  addresses: 'Saved addresses',
  add_address: 'Save address',
  label: 'Label',
  favourite: 'Favourite',
  offline: 'You are offline. Showing what was saved.',
  error: 'Something went wrong: {message}',
  loading: 'Loading…',
  kiosk_touch: 'Touch to order',
  kiosk_provision: 'Set up this kiosk',
  kiosk_code: 'Provisioning code from the store manager',
  kiosk_connect: 'Connect',
  kiosk_pay_card: 'Pay by card',
  kiosk_pay_counter: 'Pay at the counter',
  kiosk_your_number: 'Your order number',
  kiosk_pay_at_counter_note: 'Please pay at the counter.',
  kiosk_new_order: 'New order',
  kiosk_still_there: 'Are you still there?',
  kiosk_reset_in: 'Starting over in {n} seconds.',
  kiosk_continue: 'Continue ordering',
  kiosk_start_over: 'Start over',
  kiosk_name: 'Name for your order',
};
type Dict = typeof en;
const es: Dict = {
  appName: 'Veta Hut',
  skip: 'Ir al contenido',
  language: 'Idioma',
  nav_stores: 'Tiendas',
  nav_menu: 'Menú',
  nav_cart: 'Carrito',
  nav_account: 'Cuenta',
  finder_title: 'Encuentra un Veta Hut',
  finder_use_location: 'Usar mi ubicación',
  finder_or: 'o busca cerca de',
  finder_lat: 'Latitud',
  finder_lon: 'Longitud',
  finder_search: 'Buscar',
  finder_pick: 'Pedir aquí',
  finder_locating: 'Buscando tiendas…',
  finder_none: 'No hay tiendas cerca.',
  finder_presets: 'Zonas populares',
  open_now: 'Abierto ahora',
  closed_until: 'Cerrado · abre {when}',
  closes_at: 'Abierto hasta {when}',
  paused: 'No acepta pedidos ahora',
  km_away: 'a {km} km',
  menu_title: 'Menú',
  unavailable: 'Agotado hoy',
  calories: '{n} kcal',
  allergens: 'Alérgenos: {list}',
  add: 'Añadir',
  customize: 'Personalizar',
  from_price: 'desde {price}',
  builder_title: 'Prepara tu {name}',
  size: 'Tamaño',
  crust: 'Masa',
  toppings: 'Ingredientes',
  portion_none: 'Nada',
  portion_whole: 'Entera',
  portion_left: 'Mitad izquierda',
  portion_right: 'Mitad derecha',
  amount: 'Cantidad',
  amount_light: 'Poco',
  amount_normal: 'Normal',
  amount_extra: 'Extra',
  quantity: 'Cantidad',
  price_each: 'Precio',
  pricing: 'Calculando…',
  add_to_cart: 'Añadir al carrito · {price}',
  close: 'Cerrar',
  deals: 'Ofertas',
  deal_choose: 'Elige para {slot}',
  deal_add: 'Añadir oferta · {price}',
  cart_title: 'Tu pedido',
  cart_empty: 'Tu carrito está vacío.',
  cart_browse: 'Ver el menú',
  remove: 'Quitar',
  order_type: '¿Cómo lo quieres?',
  carryout: 'Para recoger',
  delivery: 'A domicilio',
  address: 'Dirección de entrega',
  address_line: 'Calle y número',
  city: 'Ciudad',
  delivery_fee: 'Envío {fee}, mínimo {min}, unos {minutes} min',
  not_deliverable: 'Lo sentimos, esa dirección está fuera de nuestra zona de reparto.',
  when: 'Cuándo',
  asap: 'Lo antes posible',
  schedule: 'Programar',
  slot: 'Franja horaria',
  coupon: 'Cupón',
  apply: 'Aplicar',
  tip: 'Propina',
  no_tip: 'Sin propina',
  reward: 'Recompensa de fidelidad',
  no_reward: 'Sin recompensa',
  subtotal: 'Subtotal',
  discount: 'Descuentos',
  tax: 'Impuestos',
  total: 'Total',
  ready_by: 'Listo hacia las {time}',
  checkout: 'Pagar',
  guest: 'Pagar como invitado',
  signed_in_as: 'Sesión iniciada como {name}',
  name: 'Nombre',
  email: 'Correo electrónico',
  phone: 'Teléfono (con prefijo, p. ej. +34600000000)',
  card: 'Tarjeta',
  card_number: 'Número de tarjeta',
  card_exp_month: 'Mes de caducidad',
  card_exp_year: 'Año de caducidad',
  card_cvc: 'Código de seguridad (CVC)',
  card_note: 'El número de tu tarjeta solo va a nuestro procesador de pagos.',
  test_cards: 'Tarjetas de prueba: 4242 4242 4242 4242 se aprueba, 4000 0000 0000 0002 se rechaza; cualquier fecha futura y CVC.',
  place_order: 'Hacer pedido · {price}',
  placing: 'Enviando tu pedido…',
  declined: 'Tu tarjeta fue rechazada: {reason}. Tu carrito se conserva; prueba otra tarjeta.',
  track_title: 'Pedido n.º {number}',
  track_status: 'Estado',
  track_promised: 'Previsto a las {time}',
  track_link: 'Guarda esta página para seguir tu pedido.',
  status_pending_payment: 'Comprobando el pago',
  status_confirmed: 'Pedido recibido',
  status_preparing: 'Preparando tu pizza',
  status_baking: 'En el horno',
  status_ready: 'Listo',
  status_out_for_delivery: 'En camino',
  status_delivered: 'Entregado',
  status_picked_up: 'Recogido',
  status_served: 'Servido',
  status_cancelled: 'Cancelado',
  status_rejected: 'Rechazado',
  status_refunded: 'Reembolsado',
  account_title: 'Tu cuenta',
  sign_in: 'Iniciar sesión',
  sign_out: 'Cerrar sesión',
  register: 'Crear una cuenta',
  password: 'Contraseña',
  history: 'Tus pedidos',
  no_orders: 'Aún no hay pedidos.',
  reorder: 'Pedir de nuevo',
  loyalty: 'Puntos de fidelidad',
  points: '{n} puntos',
  addresses: 'Direcciones guardadas',
  add_address: 'Guardar dirección',
  label: 'Etiqueta',
  favourite: 'Favorito',
  offline: 'Sin conexión. Mostrando lo guardado.',
  error: 'Algo salió mal: {message}',
  loading: 'Cargando…',
  kiosk_touch: 'Toca para pedir',
  kiosk_provision: 'Configurar este quiosco',
  kiosk_code: 'Código de configuración del encargado',
  kiosk_connect: 'Conectar',
  kiosk_pay_card: 'Pagar con tarjeta',
  kiosk_pay_counter: 'Pagar en el mostrador',
  kiosk_your_number: 'Tu número de pedido',
  kiosk_pay_at_counter_note: 'Paga en el mostrador, por favor.',
  kiosk_new_order: 'Nuevo pedido',
  kiosk_still_there: '¿Sigues ahí?',
  kiosk_reset_in: 'Empezamos de nuevo en {n} segundos.',
  kiosk_continue: 'Seguir pidiendo',
  kiosk_start_over: 'Empezar de nuevo',
  kiosk_name: 'Nombre para tu pedido',
};
export type MessageKey = keyof Dict;
const DICTS: Record<Locale, Dict> = { en, es };

export function pickLocale(stored: string | null, browser: readonly string[]): Locale {
  if (stored === 'en' || stored === 'es') return stored;
  for (const l of browser) {
    const base = l.slice(0, 2).toLowerCase();
    if (base === 'es' || base === 'en') return base;
  }
  return 'en';
}

export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return DICTS[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

// Building an Intl formatter costs far more than using one (a menu formats dozens of prices):
// one per locale and options, kept.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function numberFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const key = `n|${locale}|${currency}`;
  let f = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return f;
}
function dateTimeFormat(locale: Locale, timeZone: string, weekday: boolean): Intl.DateTimeFormat {
  const key = `d|${locale}|${timeZone}|${weekday}`;
  let f = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...(weekday ? { weekday: 'short' } : {}), hour: 'numeric', minute: '2-digit', timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** Money in minor units, in the currency's own number of decimals, for the locale. */
export function formatMoney(locale: Locale, money: Money | undefined | null): string {
  if (!money) return '';
  const f = numberFormat(locale, money.currency);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(money.amount / 10 ** digits);
}

/** A time of day in the store's time zone ("7:45 PM" / "19:45"). */
export function formatTime(locale: Locale, iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  return dateTimeFormat(locale, timeZone, false).format(new Date(iso));
}

/** A day and time in the store's time zone. */
export function formatDateTime(locale: Locale, iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  return dateTimeFormat(locale, timeZone, true).format(new Date(iso));
}

export interface I18n {
  locale: Locale;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  money: (m: Money | undefined | null) => string;
  setLocale: (l: Locale) => void;
}
export const I18nContext = createContext<I18n>({
  locale: 'en',
  t: (k, v) => translate('en', k, v),
  money: (m) => formatMoney('en', m),
  setLocale: () => {},
});
export const useI18n = () => useContext(I18nContext);
