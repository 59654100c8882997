-- The sandbox card processor's own state (module payment_sandbox). It plays a processor, so it
-- keeps what one would: tokens (never the number), charges and the results of idempotent calls.

-- A tokenized card: what may be kept, plus the test-card behaviour chosen at tokenization
-- (approve | card_declined | insufficient_funds | processing_error | requires_action).
CREATE TABLE payment_sandbox_tokens (
  token TEXT PRIMARY KEY,               -- tok_<ULID>
  brand TEXT NOT NULL,
  last4 TEXT NOT NULL,
  exp_month INTEGER NOT NULL,
  exp_year INTEGER NOT NULL,
  behaviour TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- One authorization and what happened to it. Amounts in minor units of `currency`.
CREATE TABLE payment_sandbox_charges (
  reference TEXT PRIMARY KEY,           -- pi_<ULID>
  token TEXT NOT NULL REFERENCES payment_sandbox_tokens (token),
  order_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount BIGINT NOT NULL,               -- asked for
  authorized BIGINT NOT NULL,           -- held (0 when failed or pending)
  captured BIGINT NOT NULL,
  refunded BIGINT NOT NULL,
  status TEXT NOT NULL,                 -- authorized | pending | failed | voided | captured | partially_refunded | refunded
  decline_code TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Every money-moving call's first result, by its idempotency key. `fingerprint` holds the
-- operation and parameters the key was first used with: the same key with others is a conflict.
CREATE TABLE payment_sandbox_idempotency (
  idempotency_key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  status TEXT NOT NULL,                 -- succeeded | pending | declined
  reference TEXT NOT NULL,
  decline_code TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL
);
