-- Menu versions per market (a market is a currency: a chain publishes one menu per market).
-- catalog holds the admin JSON form. One draft per market; one published; scheduled ones wait.
CREATE TABLE menu_versions (
  id TEXT PRIMARY KEY,
  market TEXT NOT NULL,
  status TEXT NOT NULL,          -- draft | scheduled | published | superseded
  catalog TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  publish_at TEXT,
  published_at TEXT
);
CREATE INDEX menu_versions_market ON menu_versions (market, status);

-- Per-store tax settings: inclusive (VAT) or exclusive (sales tax) and rates per tax category.
CREATE TABLE menu_store_settings (
  store_id TEXT PRIMARY KEY,
  tax_mode TEXT NOT NULL,
  tax_rates TEXT NOT NULL,       -- JSON {"food": 8875, …} in 1/1000 of a percent
  updated_at TEXT NOT NULL
);

-- Per-store prices: a product size or a topping size, in the store's currency.
CREATE TABLE menu_price_overrides (
  store_id TEXT NOT NULL,
  kind TEXT NOT NULL,            -- product | topping
  item_id TEXT NOT NULL,
  size_id TEXT NOT NULL,
  amount BIGINT NOT NULL,
  PRIMARY KEY (store_id, kind, item_id, size_id)
);

-- The "86" list: items a store cannot sell now, with why and (optionally) until when.
CREATE TABLE menu_unavailable (
  store_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  until_at TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (store_id, item_id)
);
