-- Opening hours per service, delivery zones, order-ahead slot rules and capacity, busy mode.
ALTER TABLE location_stores ADD COLUMN slot_length_minutes INTEGER NOT NULL DEFAULT 15;
ALTER TABLE location_stores ADD COLUMN slot_lead_minutes INTEGER NOT NULL DEFAULT 30;
ALTER TABLE location_stores ADD COLUMN slot_capacity INTEGER NOT NULL DEFAULT 10;
ALTER TABLE location_stores ADD COLUMN paused_reason TEXT;
ALTER TABLE location_stores ADD COLUMN paused_until TEXT;
ALTER TABLE location_stores ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- The weekly hours and special days of one service, as the API's JSON.
CREATE TABLE location_store_hours (
  store_id TEXT NOT NULL REFERENCES location_stores (id),
  service TEXT NOT NULL,
  hours TEXT NOT NULL,
  PRIMARY KEY (store_id, service)
);

-- Money is in the store's currency, minor units. geometry is a GeoJSON Polygon for polygon zones.
CREATE TABLE location_zones (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL REFERENCES location_stores (id),
  name TEXT NOT NULL,
  shape TEXT NOT NULL,
  geometry TEXT NOT NULL,
  center_latitude DOUBLE PRECISION NOT NULL,
  center_longitude DOUBLE PRECISION NOT NULL,
  radius_m DOUBLE PRECISION NOT NULL,
  fee BIGINT NOT NULL,
  minimum_order BIGINT NOT NULL,
  estimate_minutes INTEGER NOT NULL,
  UNIQUE (store_id, name)
);

-- Capacity used per slot (counts reservations); the row is the lock reservations contend on.
CREATE TABLE location_slot_usage (
  store_id TEXT NOT NULL,
  slot_start TEXT NOT NULL,
  used INTEGER NOT NULL,
  PRIMARY KEY (store_id, slot_start)
);

-- One reservation per order: reserving again for the same order is idempotent.
CREATE TABLE location_slot_reservations (
  order_id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  slot_start TEXT NOT NULL,
  service TEXT NOT NULL,
  created_at TEXT NOT NULL
);
