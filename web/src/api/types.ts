// The API's types, generated from docs/openapi.yaml (npm run gen:api): the apps cannot drift
// from the contract without failing to compile.
import type { components } from './schema';

type S = components['schemas'];
export type Money = S['Money'];
export type Problem = S['Problem'];
export type Store = S['Store'];
export type StoreList = S['StoreList'];
export type DeliveryCheck = S['DeliveryCheck'];
export type Slots = S['Slots'];
export type Menu = S['Menu'];
export type MenuProduct = S['MenuProduct'];
export type MenuDeal = S['MenuDeal'];
export type MenuToppingOption = S['MenuToppingOption'];
export type CartItem = S['CartItem'];
export type CartDeal = S['CartDeal'];
export type QuoteRequest = S['QuoteRequest'];
export type Quote = S['Quote'];
export type OrderRequest = S['OrderRequest'];
export type GuestOrderRequest = S['GuestOrderRequest'];
export type GuestContact = S['GuestContact'];
export type Order = S['Order'];
export type Placement = S['Placement'];
export type OrderList = S['OrderList'];
export type OrderStatus = S['OrderStatus'];
export type CardInput = S['CardInput'];
export type CardToken = S['CardToken'];
export type TokenGrant = S['TokenGrant'];
export type Account = S['Account'];
export type RegisterRequest = S['RegisterRequest'];
export type Loyalty = S['Loyalty'];
export type SavedAddress = S['SavedAddress'];
export type DeviceCredentials = S['DeviceCredentials'];
export type TrackingEvent = S['TrackingEvent'];
export type Topping = NonNullable<CartItem['toppings']>[number];
