-- pgbench script for bench/order_vs_pgbench.sh: the database work of placing one pay_at_store
-- order through `vetahut serve` on PostgreSQL, statement for statement, without vetahut.
--
-- It is the three transactions a placement commits, with the statements they run between BEGIN
-- and COMMIT (src/services/order/order_service.cpp, src/services/payment/payment_service.cpp,
-- src/lib/bus/outbox.cpp), against vetahut's own tables (created by `vetahut migrate`):
--
--   1. OrderService::Place       order number upsert (ON CONFLICT … RETURNING), the order row, the
--                                idempotency row, order event #1, outbox com.vetahut.order.placed
--   2. PaymentService::PayAtStore  the payment lookup by order id, the payment row,
--                                outbox com.vetahut.payment.due
--   3. OrderService::Apply       the status update to confirmed, SELECT MAX(seq), order event #2,
--                                outbox com.vetahut.order.status_changed and …order.confirmed
--
-- One pgbench "transaction" (one run of this script) is therefore one placed order.
--
-- Every value is a bind parameter, as vetahut sends them (PQexecParams; pgbench -M extended).
-- Variables the benchmark passes with -D (the payloads are copied from an order vetahut placed
-- during the same run, so the rows have the real sizes):
--   run n         ids are unique per run (0..900000), client and order (n counts from 0)
--   store bdate   the store id and business date: all clients number orders on one row, as all
--                 of vetahut's orders in the benchmark do (one store, one day)
--   subject       the customer; now, later: RFC 3339 times (created_at, promised_at)
--   now_us deadline_us now_ms never   the integer times vetahut stores
--   quote hash    the priced cart (JSON) and the request's SHA-256
--   ev1_data ev2_data                   order event payloads (pending_payment, confirmed)
--   placed_env due_env changed_env confirmed_env   CloudEvent envelopes of the four outbox rows
--   total loyalty_basis subtotal tax_total          the order's amounts
--
-- Not here, because vetahut does it outside these transactions: the idempotency lookup before
-- placing, the saga lease (two UPDATEs), the reads of the order and the payment for the response,
-- the outbox relay marking the four events sent, and the loyalty consumer's inbox row. See
-- docs/benchmarks.md ("Order placement vs pgbench") for the full list and what it costs.

-- n counts this client's orders (-D n=0; a client's variables persist across its transactions).
\set n :n + 1
\set oid :run * 10000000000000 + :client_id * 10000000000 + :n

-- 1. Place
BEGIN;
INSERT INTO order_numbers (store_id, business_date, last_number) VALUES (:store, :bdate, 1)
  ON CONFLICT (store_id, business_date) DO UPDATE SET last_number = order_numbers.last_number + 1
  RETURNING last_number AS number \gset
INSERT INTO order_orders (id, store_id, customer_id, placed_by, number, business_date, type, status, currency,
  subtotal, discount_total, tax_total, delivery_fee, tip, total, loyalty_basis, reward_id, reward_points,
  payment_method, payment_token, scheduled_for, promised_at, address, quote, request_hash, reason, saga_step,
  saga_attempts, saga_next_at, saga_lease_until, payment_deadline, created_at, updated_at)
  VALUES ('ord_' || lpad(:oid::text, 26, '0'), :store, :subject, :subject, :number, :bdate, 'carryout',
  'pending_payment', 'USD', :subtotal, 0, :tax_total, 0, 0, :total, :loyalty_basis, '', 0, 'pay_at_store', '',
  NULL, :later, NULL, :quote, :hash, '', 'pay_at_store', 0, :now_us, 0, :deadline_us, :now, :now);
INSERT INTO order_idempotency (scope_key, request_hash, order_id, created_at)
  VALUES (:subject || '|bench-' || :oid::text, :hash, 'ord_' || lpad(:oid::text, 26, '0'), :now);
INSERT INTO order_events (order_id, seq, status, data, created_at)
  VALUES ('ord_' || lpad(:oid::text, 26, '0'), 1, 'pending_payment', :ev1_data, :now);
INSERT INTO order_outbox (event_id, type, envelope, created_at)
  VALUES (lpad(:oid::text, 25, '0') || 'P', 'com.vetahut.order.placed', :placed_env, :now_ms);
COMMIT;

-- 2. PayAtStore
BEGIN;
SELECT id, method, provider, token, brand, last4, reference, currency, amount, authorized, captured, voided,
  refunded, status, decline_code FROM payment_payments WHERE order_id = 'ord_' || lpad(:oid::text, 26, '0');
INSERT INTO payment_payments (id, order_id, method, provider, token, brand, last4, reference, currency, amount,
  authorized, captured, voided, refunded, status, decline_code, created_at, updated_at)
  VALUES ('pay_' || lpad(:oid::text, 26, '0'), 'ord_' || lpad(:oid::text, 26, '0'), 'pay_at_store', 'store', '',
  '', '', '', 'USD', :total, 0, 0, 0, 0, 'due', '', :now, :now);
INSERT INTO payment_outbox (event_id, type, envelope, created_at)
  VALUES (lpad(:oid::text, 25, '0') || 'D', 'com.vetahut.payment.due', :due_env, :now_ms);
COMMIT;

-- 3. Apply: pending_payment -> confirmed
BEGIN;
UPDATE order_orders SET status = 'confirmed', saga_step = 'fulfil', saga_next_at = :never, saga_attempts = 0,
  reason = CASE WHEN '' = '' THEN reason ELSE '' END, updated_at = :now
  WHERE id = 'ord_' || lpad(:oid::text, 26, '0') AND status = 'pending_payment' AND saga_step = 'pay_at_store';
SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM order_events WHERE order_id = 'ord_' || lpad(:oid::text, 26, '0') \gset
INSERT INTO order_events (order_id, seq, status, data, created_at)
  VALUES ('ord_' || lpad(:oid::text, 26, '0'), :seq, 'confirmed', :ev2_data, :now);
INSERT INTO order_outbox (event_id, type, envelope, created_at)
  VALUES (lpad(:oid::text, 25, '0') || 'S', 'com.vetahut.order.status_changed', :changed_env, :now_ms);
INSERT INTO order_outbox (event_id, type, envelope, created_at)
  VALUES (lpad(:oid::text, 25, '0') || 'C', 'com.vetahut.order.confirmed', :confirmed_env, :now_ms);
COMMIT;
