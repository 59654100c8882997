-- The counter (POS, issue 16). Cash handed over for an order paid at the counter, kept for the
-- receipt's change line (decision 0033); 0 = not a cash tender.
ALTER TABLE order_orders ADD COLUMN cash_tendered BIGINT NOT NULL DEFAULT 0;
-- The name of the staff member who took a counter order (the receipt and the end-of-day say who).
ALTER TABLE order_orders ADD COLUMN cashier_name TEXT NOT NULL DEFAULT '';

-- Each refund of an order: how much, why, which units of which lines (JSON [{"index", "quantity"}],
-- [] for an amount refund) and who gave it. The payment ledger holds the money; this the story.
CREATE TABLE order_refunds (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  amount BIGINT NOT NULL,
  reason TEXT NOT NULL,
  lines TEXT NOT NULL,
  refunded_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (order_id, idempotency_key)
);
