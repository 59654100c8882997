-- Accounts: customers and staff. Email is stored lower-cased; deleted accounts keep their row
-- (orders reference it) with personal data erased.
CREATE TABLE customer_accounts (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,                 -- customer | staff
  email TEXT,                         -- NULL once erased
  password_hash TEXT,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  email_verified BOOLEAN NOT NULL,
  marketing_consent BOOLEAN NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX customer_accounts_email ON customer_accounts (email);

-- Staff roles, each for one store or (store_id '') for every store.
CREATE TABLE customer_staff_roles (
  account_id TEXT NOT NULL REFERENCES customer_accounts (id),
  role TEXT NOT NULL,
  store_id TEXT NOT NULL,
  PRIMARY KEY (account_id, role, store_id)
);

-- Devices (kiosk, POS, KDS) use client credentials and are bound to one store.
CREATE TABLE customer_devices (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  device_type TEXT NOT NULL,
  store_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);

-- Refresh tokens: opaque, stored hashed, rotated; a family shares one login.
CREATE TABLE customer_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX customer_refresh_tokens_family ON customer_refresh_tokens (family_id);

-- Single-use tokens for email verification and password reset, stored hashed.
CREATE TABLE customer_one_time_tokens (
  token_hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL,
  account_id TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

-- Access-token signing keys (Ed25519). Every replica verifies with all active keys.
CREATE TABLE customer_signing_keys (
  kid TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  retired_at TEXT
);

-- Login throttling per account and per client address.
CREATE TABLE customer_login_throttle (
  throttle_key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at TEXT NOT NULL,
  locked_until TEXT
);

-- What staff did, for audits. Never holds secrets.
CREATE TABLE customer_audit_log (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
