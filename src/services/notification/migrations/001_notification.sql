-- Every message to send: one row per (event, notification, channel, recipient). The dedupe key is
-- unique and written in the consuming transaction, so an event handled twice adds nothing.
-- status: queued (due at next_at) | sending (claimed until next_at) | sent | failed (retry at
-- next_at) | dead (given up; an admin may retry it once).
CREATE TABLE notification_deliveries (
  id TEXT PRIMARY KEY,
  dedupe_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  notification TEXT NOT NULL,
  channel TEXT NOT NULL,
  recipient_id TEXT NOT NULL,
  address TEXT NOT NULL,
  recipient_name TEXT NOT NULL,
  locale TEXT NOT NULL,
  store_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at BIGINT NOT NULL,
  provider TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  last_error TEXT NOT NULL,
  redriven INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT,
  sent_us BIGINT
);
CREATE UNIQUE INDEX notification_deliveries_dedupe ON notification_deliveries (dedupe_key);
CREATE INDEX notification_deliveries_due ON notification_deliveries (status, next_at);
CREATE INDEX notification_deliveries_recipient ON notification_deliveries (channel, address, sent_us);

-- What the customer's list shows (the in-app channel). The id is the delivery's.
CREATE TABLE notification_items (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  notification TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  store_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX notification_items_account ON notification_items (account_id, id);

-- A person's choices. A person without a row has the defaults (email and in-app, no marketing).
CREATE TABLE notification_preferences (
  account_id TEXT PRIMARY KEY,
  locale TEXT NOT NULL,
  email BOOLEAN NOT NULL,
  sms BOOLEAN NOT NULL,
  in_app BOOLEAN NOT NULL,
  marketing_email BOOLEAN NOT NULL,
  marketing_sms BOOLEAN NOT NULL,
  marketing_in_app BOOLEAN NOT NULL,
  quiet_start INTEGER,
  quiet_end INTEGER,
  updated_at TEXT NOT NULL
);

-- What the later messages of an order need that their events do not carry: who ordered, and the
-- time the customer was last promised (the kitchen's and the driver's new times).
CREATE TABLE notification_orders (
  order_id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  order_type TEXT NOT NULL,
  number BIGINT NOT NULL,
  promised_at TEXT NOT NULL,
  eta TEXT NOT NULL,
  driver_name TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
