-- Loyalty points. The ledger is append-only: every change of a balance is one row (+ earned or
-- given back, - spent or reserved) and is never updated or deleted.
CREATE TABLE customer_loyalty_ledger (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  points BIGINT NOT NULL,             -- + earned / released / credited, - reserved / debited
  kind TEXT NOT NULL,                 -- earn | reserve | release | adjust
  order_id TEXT NOT NULL,             -- '' for adjustments
  reference TEXT NOT NULL,            -- earn: the basis ("12.99 USD"); reserve/release: reward id; adjust: reason
  created_at TEXT NOT NULL            -- RFC 3339, UTC
);
-- At most one earn, one reserve and one release per order: redelivered events and retried calls
-- cannot count twice.
CREATE UNIQUE INDEX customer_loyalty_ledger_order_kind ON customer_loyalty_ledger (order_id, kind) WHERE order_id <> '';
CREATE INDEX customer_loyalty_ledger_account ON customer_loyalty_ledger (account_id, created_at);

-- The balance derived from the ledger (always SUM(points) of the account's rows), written in the
-- same transaction as each ledger row. Its row is the lock that makes reservations atomic.
CREATE TABLE customer_loyalty_balances (
  account_id TEXT PRIMARY KEY,
  balance BIGINT NOT NULL
);

-- Order events handled by the loyalty consumer (bus::Inbox "customer_loyalty").
CREATE TABLE customer_loyalty_inbox (
  event_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  handled_at BIGINT NOT NULL
);
