-- Analytics (issue 14, decision 0025): the events the module consumed — the source of every fact,
-- of a rebuild and of the lake —, a star schema of facts around small dimensions that a BI tool
-- reads as it is, and the lake's bookkeeping. Money is BIGINT minor units beside its ISO-4217
-- currency; instants are RFC 3339 UTC text (for people and BI tools) and unix microseconds `*_us`
-- (for arithmetic); `business_date`/`local_date` (YYYY-MM-DD) and `local_hour` are the store's
-- clock (its IANA zone in analytics_stores). Durations are seconds, NULL when an end is unknown.

-- Every event consumed, as consumed minus personal data (the customer's and driver's names and
-- the delivery address are dropped on the way in). A rebuild refolds these in (time_us, event_id)
-- order; the lake's `events` dataset exports them.
CREATE TABLE analytics_events (
  event_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  source TEXT NOT NULL,
  subject TEXT NOT NULL,
  time TEXT NOT NULL,
  time_us BIGINT NOT NULL,
  dataschema TEXT NOT NULL,
  traceparent TEXT NOT NULL,
  store_id TEXT,                      -- from the payload, or its order's store once known
  order_id TEXT,
  local_date TEXT,                    -- the store-local date of `time`, once the store is known
  data TEXT NOT NULL                  -- the JSON payload
);
CREATE INDEX analytics_events_replay ON analytics_events (time_us, event_id);
CREATE INDEX analytics_events_partition ON analytics_events (store_id, local_date);
CREATE INDEX analytics_events_order ON analytics_events (order_id);

-- Dimensions. Stores come from the store directory the first time a store is seen (and are kept
-- by a rebuild, so its local dates do not move); products and dates are derived from the facts.
CREATE TABLE analytics_stores (
  store_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,            -- IANA; '' (UTC) when the directory did not know the store
  currency TEXT NOT NULL,
  first_seen_at TEXT NOT NULL
);

CREATE TABLE analytics_products (
  product_id TEXT PRIMARY KEY,        -- a product, or a deal's id for deal lines
  name TEXT NOT NULL,                 -- as the latest order named it
  category_id TEXT NOT NULL,          -- 'deals' for deals
  kind TEXT NOT NULL,                 -- pizza | side | drink | dessert | other | deal
  named_at_us BIGINT NOT NULL
);

CREATE TABLE analytics_dates (
  date TEXT PRIMARY KEY,              -- YYYY-MM-DD
  year BIGINT NOT NULL,
  month BIGINT NOT NULL,
  day BIGINT NOT NULL,
  iso_week BIGINT NOT NULL,
  iso_weekday BIGINT NOT NULL,        -- 1 Monday … 7 Sunday
  weekend BOOLEAN NOT NULL
);

-- Facts. An order is a fact once confirmed (paid, or to be paid at the store); its final status
-- follows its status moves; captured and refunded sum its payment facts.
CREATE TABLE analytics_orders (
  order_id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  number BIGINT NOT NULL,
  business_date TEXT NOT NULL,
  local_hour BIGINT NOT NULL,         -- 0–23, store-local hour it was placed
  channel TEXT NOT NULL,              -- web | kiosk | pos
  order_type TEXT NOT NULL,           -- delivery | carryout | dine_in
  customer_id TEXT,                   -- NULL for guests and walk-ins
  guest BOOLEAN NOT NULL,
  placed_at TEXT NOT NULL,
  placed_us BIGINT NOT NULL,
  promised_at TEXT NOT NULL,          -- ready (carry-out, dine-in) or at the door (delivery)
  promised_us BIGINT NOT NULL,
  scheduled BOOLEAN NOT NULL,         -- an order-ahead
  payment_method TEXT NOT NULL,       -- card | pay_at_store
  currency TEXT NOT NULL,
  subtotal BIGINT NOT NULL,
  discount BIGINT NOT NULL,
  tax BIGINT NOT NULL,
  delivery_fee BIGINT NOT NULL,
  tip BIGINT NOT NULL,
  total BIGINT NOT NULL,
  units BIGINT NOT NULL,              -- items made: Σ line quantity × items per line
  captured BIGINT NOT NULL,
  refunded BIGINT NOT NULL,
  final_status TEXT NOT NULL,
  final_status_at TEXT NOT NULL
);
CREATE INDEX analytics_orders_date ON analytics_orders (business_date, store_id);
CREATE INDEX analytics_orders_store ON analytics_orders (store_id, business_date);

CREATE TABLE analytics_order_lines (
  order_id TEXT NOT NULL,
  line_index BIGINT NOT NULL,
  store_id TEXT NOT NULL,
  business_date TEXT NOT NULL,
  product_id TEXT NOT NULL,
  product_name TEXT NOT NULL,
  category_id TEXT NOT NULL,
  deal BOOLEAN NOT NULL,
  size TEXT NOT NULL,                 -- size id ('' for deals and unsized products)
  crust TEXT NOT NULL,
  toppings TEXT NOT NULL,             -- "pepperoni:left:normal,olives:whole:extra" as made
  quantity BIGINT NOT NULL,
  currency TEXT NOT NULL,
  gross BIGINT NOT NULL,              -- the line total before discounts
  discount BIGINT NOT NULL,
  revenue BIGINT NOT NULL,            -- net of discounts, before added tax
  tax BIGINT NOT NULL,
  PRIMARY KEY (order_id, line_index)
);
CREATE INDEX analytics_order_lines_date ON analytics_order_lines (business_date, store_id);

-- Every status move of every order (orders that never got confirmed too).
CREATE TABLE analytics_order_statuses (
  event_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  local_date TEXT NOT NULL,
  status TEXT NOT NULL,
  previous_status TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL,
  at_us BIGINT NOT NULL
);
CREATE INDEX analytics_order_statuses_order ON analytics_order_statuses (order_id);
CREATE INDEX analytics_order_statuses_date ON analytics_order_statuses (store_id, local_date);

-- Money movements: authorizations, captures, refunds, voids, declines, pay-at-store dues.
CREATE TABLE analytics_payments (
  event_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  payment_id TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- authorized | captured | refunded | voided | failed | due
  method TEXT NOT NULL,
  status TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  decline_code TEXT NOT NULL,
  at TEXT NOT NULL,
  at_us BIGINT NOT NULL,
  store_id TEXT,                      -- the order's store, once known
  local_date TEXT
);
CREATE INDEX analytics_payments_order ON analytics_payments (order_id);
CREATE INDEX analytics_payments_date ON analytics_payments (store_id, local_date, kind);

-- Kitchen tickets: the first time each stage was reached, per ticket (the kitchen publishes ticket
-- events, not item or station events), dated by when the ticket reached the kitchen.
CREATE TABLE analytics_tickets (
  ticket_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  number BIGINT NOT NULL,
  order_type TEXT NOT NULL,
  local_date TEXT NOT NULL,
  local_hour BIGINT NOT NULL,
  status TEXT NOT NULL,
  status_us BIGINT NOT NULL,
  first_seen_us BIGINT NOT NULL,
  fired_us BIGINT,
  queued_us BIGINT,
  making_us BIGINT,
  in_oven_us BIGINT,
  ready_us BIGINT,
  handed_off_us BIGINT,
  voided_us BIGINT,
  promised_ready_us BIGINT,
  promise_from_ready BOOLEAN NOT NULL,
  promise_seen_us BIGINT NOT NULL,
  fired_at TEXT,
  ready_at TEXT,
  promised_ready_at TEXT,
  wait_s DOUBLE PRECISION,            -- fired → making
  make_s DOUBLE PRECISION,            -- making → in the oven
  bake_s DOUBLE PRECISION,            -- in the oven → ready (oven and cut table)
  prep_s DOUBLE PRECISION,            -- fired → ready
  late_s DOUBLE PRECISION             -- ready − promised ready (negative: early)
);
CREATE INDEX analytics_tickets_date ON analytics_tickets (local_date, store_id);

-- Deliveries: dispatch → door, dated by the dispatch.
CREATE TABLE analytics_deliveries (
  delivery_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  driver_id TEXT,
  driver_seen_us BIGINT NOT NULL,
  local_date TEXT NOT NULL,
  local_hour BIGINT NOT NULL,
  status TEXT NOT NULL,
  status_us BIGINT NOT NULL,
  first_seen_us BIGINT NOT NULL,
  waiting_us BIGINT,
  assigned_us BIGINT,
  dispatched_us BIGINT,
  delivered_us BIGINT,
  cancelled_us BIGINT,
  eta_us BIGINT,                      -- the arrival time told when it left
  dispatched_at TEXT,
  delivered_at TEXT,
  to_door_s DOUBLE PRECISION,         -- dispatched → delivered
  eta_error_s DOUBLE PRECISION        -- delivered − eta (positive: later than told)
);
CREATE INDEX analytics_deliveries_date ON analytics_deliveries (local_date, store_id);
CREATE INDEX analytics_deliveries_order ON analytics_deliveries (order_id);

-- The lake: per store, the last closed day exported; per partition what was written; and the
-- exported days whose facts changed since (re-exported by the next round).
CREATE TABLE analytics_lake_watermarks (
  store_id TEXT PRIMARY KEY,
  exported_through TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE analytics_lake_partitions (
  dataset TEXT NOT NULL,
  store_id TEXT NOT NULL,
  local_date TEXT NOT NULL,
  row_count BIGINT NOT NULL,
  parts BIGINT NOT NULL,
  exported_at TEXT NOT NULL,
  PRIMARY KEY (dataset, store_id, local_date)
);

CREATE TABLE analytics_lake_dirty (
  store_id TEXT NOT NULL,
  local_date TEXT NOT NULL,
  PRIMARY KEY (store_id, local_date)
);
