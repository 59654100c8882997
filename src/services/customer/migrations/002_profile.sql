-- Saved addresses (with coordinates for the delivery check) and favourites.
CREATE TABLE customer_addresses (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES customer_accounts (id),
  label TEXT NOT NULL,
  line1 TEXT NOT NULL,
  line2 TEXT NOT NULL,
  city TEXT NOT NULL,
  region TEXT NOT NULL,
  postal_code TEXT NOT NULL,
  country TEXT NOT NULL,
  latitude DOUBLE PRECISION NOT NULL,
  longitude DOUBLE PRECISION NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX customer_addresses_account ON customer_addresses (account_id);

CREATE TABLE customer_favourites (
  account_id TEXT NOT NULL REFERENCES customer_accounts (id),
  item_id TEXT NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (account_id, item_id)
);
