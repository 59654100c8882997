-- Orders, their numbers, their event history and placement idempotency.
CREATE TABLE order_orders (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  customer_id TEXT,                   -- NULL for walk-in orders placed by a kiosk or POS
  placed_by TEXT NOT NULL,            -- the subject that placed it (customer, staff or device)
  number BIGINT NOT NULL,             -- per store per business day, from 1
  business_date TEXT NOT NULL,        -- store-local YYYY-MM-DD
  type TEXT NOT NULL,                 -- delivery | carryout | dine_in
  status TEXT NOT NULL,
  currency TEXT NOT NULL,
  subtotal BIGINT NOT NULL,
  discount_total BIGINT NOT NULL,
  tax_total BIGINT NOT NULL,
  delivery_fee BIGINT NOT NULL,
  tip BIGINT NOT NULL,
  total BIGINT NOT NULL,
  loyalty_basis BIGINT NOT NULL,      -- net subtotal: what loyalty points are earned on
  reward_id TEXT NOT NULL,            -- '' = none
  reward_points BIGINT NOT NULL,
  payment_method TEXT NOT NULL,       -- card | pay_at_store
  payment_token TEXT NOT NULL,        -- '' for pay_at_store; never a card number
  scheduled_for TEXT,                 -- slot start (UTC RFC 3339) or NULL for ASAP
  promised_at TEXT NOT NULL,
  address TEXT,                       -- JSON, delivery only
  quote TEXT NOT NULL,                -- the priced cart (JSON) as the customer saw it
  request_hash TEXT NOT NULL,         -- SHA-256 of the placement body
  reason TEXT NOT NULL,               -- why it was rejected or cancelled ('' otherwise)
  saga_step TEXT NOT NULL,            -- reserve | authorize | await_payment | fulfil | capture | compensate | done
  saga_attempts BIGINT NOT NULL,
  saga_next_at BIGINT NOT NULL,       -- unix µs: when the saga runner should look again
  saga_lease_until BIGINT NOT NULL,   -- unix µs: a runner holds the saga until then
  payment_deadline BIGINT NOT NULL,   -- unix µs: a payment still pending then is voided, the order rejected
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX order_orders_number ON order_orders (store_id, business_date, number);
CREATE INDEX order_orders_store_status ON order_orders (store_id, status, created_at);
CREATE INDEX order_orders_customer ON order_orders (customer_id, created_at);
CREATE INDEX order_orders_saga ON order_orders (saga_step, saga_next_at);

-- The last number given out per store and business day; its row serializes numbering.
CREATE TABLE order_numbers (
  store_id TEXT NOT NULL,
  business_date TEXT NOT NULL,
  last_number BIGINT NOT NULL,
  PRIMARY KEY (store_id, business_date)
);

-- Idempotency-Key of POST /api/v1/orders, scoped to the caller.
CREATE TABLE order_idempotency (
  scope_key TEXT PRIMARY KEY,         -- "<subject>|<Idempotency-Key>"
  request_hash TEXT NOT NULL,
  order_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- Every status change of an order, numbered per order: the history and the SSE stream (id = seq).
CREATE TABLE order_events (
  order_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  status TEXT NOT NULL,
  data TEXT NOT NULL,                 -- JSON sent to trackers
  created_at TEXT NOT NULL,
  PRIMARY KEY (order_id, seq)
);
