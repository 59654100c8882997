-- The kitchen: each store's setup, its stream sequence, tickets and the bumps that moved them.
CREATE TABLE kitchen_setups (
  store_id TEXT PRIMARY KEY,
  setup TEXT NOT NULL,                -- JSON (setup_codec): stations, routes, times, lateness, busy mode
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

-- Per store: the kitchen stream's sequence (one row, bumped in the transaction of every change a
-- screen must see) and whether the kitchen itself paused the store (busy mode).
CREATE TABLE kitchen_stores (
  store_id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  busy_paused BOOLEAN NOT NULL
);

CREATE TABLE kitchen_tickets (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  order_id TEXT NOT NULL UNIQUE,      -- one ticket per order: order.confirmed redelivered makes no second
  number BIGINT NOT NULL,
  order_type TEXT NOT NULL,           -- delivery | carryout | dine_in
  channel TEXT NOT NULL,
  customer_name TEXT NOT NULL,
  status TEXT NOT NULL,               -- scheduled | queued | making | in_oven | ready | handed_off | voided
  priority BIGINT NOT NULL,           -- 1 rush, 0 normal
  placed_at TEXT NOT NULL,
  promised_at TEXT NOT NULL,          -- what the customer was told: ready, or at the door for delivery
  promised_ready_at TEXT NOT NULL,    -- when the kitchen must have it ready
  estimated_ready_at TEXT NOT NULL,   -- the model's latest estimate
  announced_at TEXT NOT NULL,         -- the promise last sent to the customer (promise_changed)
  scheduled_for TEXT,
  fired_at TEXT,                      -- reached the kitchen (NULL while scheduled)
  fired_us BIGINT,                    -- the same in unix µs, for ordering
  ready_at TEXT,
  handed_off_at TEXT,
  voided_at TEXT,
  void_reason TEXT NOT NULL,
  address TEXT,                       -- JSON, delivery only
  items TEXT NOT NULL,                -- JSON array of TicketItem (what to make and where each unit is)
  consumed TEXT NOT NULL,             -- JSON {ingredient_id: quantity} taken from stock (given back on void)
  bumps BIGINT NOT NULL,              -- how many bumps moved it (optimistic concurrency, recall)
  seq BIGINT NOT NULL,                -- the store stream's sequence of its last change
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX kitchen_tickets_store_status ON kitchen_tickets (store_id, status);

-- Every bump, with the ticket as it was before, so the last one can be recalled.
CREATE TABLE kitchen_bumps (
  ticket_id TEXT NOT NULL,
  bump_no BIGINT NOT NULL,
  station TEXT NOT NULL,
  item_index BIGINT,                  -- NULL: the whole ticket
  items_before TEXT NOT NULL,
  status_before TEXT NOT NULL,
  by_subject TEXT NOT NULL,
  at TEXT NOT NULL,
  recalled BOOLEAN NOT NULL,
  PRIMARY KEY (ticket_id, bump_no)
);

-- Inventory: the chain's recipe book (one row), stock per store, every adjustment, and the menu
-- items the kitchen switched off because stock ran out (auto-86), with whether the menu knows yet.
CREATE TABLE kitchen_recipe_book (
  id BIGINT PRIMARY KEY,
  book TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE kitchen_stock (
  store_id TEXT NOT NULL,
  ingredient_id TEXT NOT NULL,
  quantity DOUBLE PRECISION NOT NULL,
  low_threshold DOUBLE PRECISION NOT NULL,
  low BOOLEAN NOT NULL,               -- at or under the threshold (low_stock was sent on the way down)
  updated_at TEXT NOT NULL,
  PRIMARY KEY (store_id, ingredient_id)
);

CREATE TABLE kitchen_adjustments (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  ingredient_id TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- received | waste | count
  delta DOUBLE PRECISION NOT NULL,
  quantity_after DOUBLE PRECISION NOT NULL,
  reason TEXT NOT NULL,
  by_subject TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX kitchen_adjustments_store ON kitchen_adjustments (store_id, at);

CREATE TABLE kitchen_auto86 (
  store_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  ingredient_id TEXT NOT NULL,
  unavailable BOOLEAN NOT NULL,       -- what the menu should say
  synced BOOLEAN NOT NULL,            -- the menu says it
  updated_at TEXT NOT NULL,
  PRIMARY KEY (store_id, item_id)
);

-- Delivery: one delivery per delivery order once its ticket is ready; drivers and their shifts.
CREATE TABLE kitchen_deliveries (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  order_id TEXT NOT NULL UNIQUE,
  ticket_id TEXT NOT NULL,
  number BIGINT NOT NULL,
  status TEXT NOT NULL,               -- waiting | assigned | out_for_delivery | delivered | cancelled
  latitude DOUBLE PRECISION NOT NULL,
  longitude DOUBLE PRECISION NOT NULL,
  address TEXT NOT NULL,              -- JSON as the order gave it
  customer_name TEXT NOT NULL,
  driver_id TEXT,
  driver_name TEXT NOT NULL,
  run_id TEXT,
  ready_at TEXT NOT NULL,
  promised_at TEXT NOT NULL,
  dispatched_at TEXT,
  delivered_at TEXT,
  eta TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX kitchen_deliveries_store_status ON kitchen_deliveries (store_id, status);

CREATE TABLE kitchen_drivers (
  driver_id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  name TEXT NOT NULL,
  on_shift BOOLEAN NOT NULL,
  shift_started_at TEXT,
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  location_at TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE kitchen_shifts (
  id TEXT PRIMARY KEY,
  driver_id TEXT NOT NULL,
  store_id TEXT NOT NULL,
  clock_in TEXT NOT NULL,
  clock_out TEXT
);
CREATE INDEX kitchen_shifts_driver ON kitchen_shifts (driver_id, clock_in);
