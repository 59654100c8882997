-- Stores: the profile admins manage. Coordinates are degrees (WGS 84); times are RFC 3339 UTC.
CREATE TABLE location_stores (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  address_line1 TEXT NOT NULL,
  address_line2 TEXT NOT NULL,
  city TEXT NOT NULL,
  region TEXT NOT NULL,
  postal_code TEXT NOT NULL,
  country TEXT NOT NULL,
  latitude DOUBLE PRECISION NOT NULL,
  longitude DOUBLE PRECISION NOT NULL,
  timezone TEXT NOT NULL,
  phone TEXT NOT NULL,
  services TEXT NOT NULL,
  currency TEXT NOT NULL,
  locale TEXT NOT NULL,
  accepting_orders BOOLEAN NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX location_stores_name ON location_stores (name);
