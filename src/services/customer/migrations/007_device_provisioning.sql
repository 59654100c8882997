-- One-time codes a store manager creates for a kiosk, POS or kitchen screen of their store; the
-- device exchanges one, once, before it expires, for its client credentials (decision 0029).
CREATE TABLE customer_provisioning_codes (
  code_hash TEXT PRIMARY KEY,         -- HashToken of the code (normalized: upper case, no dash)
  store_id TEXT NOT NULL,
  device_type TEXT NOT NULL,          -- kiosk | pos | kds
  name TEXT NOT NULL,                 -- the device's name once provisioned
  created_by TEXT NOT NULL,           -- the manager's account id
  created_at TEXT NOT NULL,
  expires_at BIGINT NOT NULL,         -- unix seconds
  used_at TEXT,                       -- set once, when a device took it
  device_id TEXT                      -- the device it became
);
CREATE INDEX customer_provisioning_codes_store ON customer_provisioning_codes (store_id, created_at);
