-- Partner webhooks (decision 0024): subscriptions and their deliveries, in order per subscription.
CREATE TABLE integration_subscriptions (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  description TEXT NOT NULL,
  event_types TEXT NOT NULL,          -- JSON array: exact types and "prefix.*" filters
  secret TEXT NOT NULL,               -- whsec_…: needed to sign every delivery; returned only when created
  active BOOLEAN NOT NULL,
  disabled_reason TEXT NOT NULL,      -- '' while active
  disabled_at TEXT,
  failure_streak BIGINT NOT NULL,     -- failed attempts in a row (any delivery)
  failing_since BIGINT,               -- unix µs of the streak's first failure
  next_seq BIGINT NOT NULL,           -- the last delivery sequence given out (bumped under the row lock)
  lease_holder TEXT NOT NULL,         -- the sender delivering for it now: one at a time, across replicas
  lease_until BIGINT NOT NULL,        -- unix µs
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One row per event per subscription; sent in seq order, the next only once this one is delivered
-- or given up. Retries update the row (attempts, last_*): the log of a delivery is its row.
CREATE TABLE integration_deliveries (
  subscription_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  event_seq BIGINT NOT NULL,          -- integration_events.seq: the body sent
  event_id TEXT NOT NULL,             -- = webhook-id: receivers dedupe on it
  event_type TEXT NOT NULL,
  origin TEXT NOT NULL,               -- live | replay | test
  status TEXT NOT NULL,               -- pending | delivered | failed
  attempts BIGINT NOT NULL,
  next_attempt_us BIGINT NOT NULL,
  last_attempt_at TEXT,
  last_status BIGINT,                 -- the receiver's HTTP status (NULL: no answer)
  last_error TEXT NOT NULL,
  last_response TEXT NOT NULL,        -- the start of the receiver's answer
  last_duration_ms BIGINT,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  PRIMARY KEY (subscription_id, seq)
);
CREATE INDEX integration_deliveries_pending ON integration_deliveries (status, subscription_id, seq);

-- The sales journal's facts (decision 0025), from order.confirmed, order.completed and
-- payment.refunded. journal_date: the closed journal that counted it (NULL: none yet).
CREATE TABLE integration_sales (
  order_id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  number BIGINT NOT NULL,
  placed_business_date TEXT NOT NULL,
  order_type TEXT NOT NULL,
  channel TEXT NOT NULL,
  payment_method TEXT NOT NULL,
  currency TEXT NOT NULL,
  subtotal BIGINT NOT NULL,
  discount BIGINT NOT NULL,
  tax BIGINT NOT NULL,
  delivery_fee BIGINT NOT NULL,
  tip BIGINT NOT NULL,
  total BIGINT NOT NULL,
  tax_included BOOLEAN NOT NULL,
  taxes TEXT NOT NULL,                -- JSON [{category, net, tax}]
  confirmed BOOLEAN NOT NULL,         -- order.confirmed seen (the amounts above are real)
  completed_at TEXT,
  completed_us BIGINT,
  journal_date TEXT
);
CREATE INDEX integration_sales_completed ON integration_sales (store_id, completed_us);

CREATE TABLE integration_refunds (
  event_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  payment_id TEXT NOT NULL,
  store_id TEXT,                      -- from the order's sale row; NULL while the order is unknown here
  method TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount BIGINT NOT NULL,
  refunded_at TEXT NOT NULL,
  refunded_us BIGINT NOT NULL,
  journal_date TEXT
);
CREATE INDEX integration_refunds_store ON integration_refunds (store_id, refunded_us);

-- One journal per store and business day, rewritten in place when its content changes.
CREATE TABLE integration_journals (
  store_id TEXT NOT NULL,
  business_date TEXT NOT NULL,
  currency TEXT NOT NULL,
  closed BOOLEAN NOT NULL,
  revision BIGINT NOT NULL,           -- +1 whenever the bytes change
  json_sha256 TEXT NOT NULL,
  csv_sha256 TEXT NOT NULL,
  orders BIGINT NOT NULL,
  net_total BIGINT NOT NULL,
  generated_at TEXT NOT NULL,
  generated_by TEXT NOT NULL,         -- schedule | an admin's id
  event_id TEXT NOT NULL,             -- the sales_journal event of this revision
  PRIMARY KEY (store_id, business_date)
);
