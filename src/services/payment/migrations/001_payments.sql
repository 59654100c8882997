-- Payments: one per order, the provider's reference and what was authorized, captured, voided and
-- refunded. Only token, brand, last4 and expiry of a card are kept — never its number.
CREATE TABLE payment_payments (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL UNIQUE,
  method TEXT NOT NULL,               -- card | pay_at_store
  provider TEXT NOT NULL,             -- sandbox | stripe | store
  token TEXT NOT NULL,
  brand TEXT NOT NULL,
  last4 TEXT NOT NULL,
  reference TEXT NOT NULL,            -- the provider's payment id ('' before authorization)
  currency TEXT NOT NULL,
  amount BIGINT NOT NULL,             -- what the order asked for
  authorized BIGINT NOT NULL,
  captured BIGINT NOT NULL,
  voided BIGINT NOT NULL,
  refunded BIGINT NOT NULL,
  status TEXT NOT NULL,               -- pending | authorized | declined | captured | voided | refunded | partially_refunded | due
  decline_code TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX payment_payments_reference ON payment_payments (reference);

-- Append-only money movements; the sums reconcile with payment_payments.
CREATE TABLE payment_ledger (
  id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- authorize | capture | void | refund | cash_collected | cash_refunded
  amount BIGINT NOT NULL,
  operation_key TEXT NOT NULL UNIQUE, -- the idempotency key of the operation
  created_at TEXT NOT NULL
);
CREATE INDEX payment_ledger_payment ON payment_ledger (payment_id);

-- Card tokens handed out by POST /api/v1/payments/tokens (what the order may show).
CREATE TABLE payment_tokens (
  token TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  brand TEXT NOT NULL,
  last4 TEXT NOT NULL,
  exp_month BIGINT NOT NULL,
  exp_year BIGINT NOT NULL,
  created_at TEXT NOT NULL
);

-- Provider callbacks already handled (deduplicated by the provider's event id).
CREATE TABLE payment_webhook_events (
  event_id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  type TEXT NOT NULL,
  reference TEXT NOT NULL,
  received_at TEXT NOT NULL
);
