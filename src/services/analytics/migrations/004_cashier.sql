-- The end-of-day per cashier (decision 0034): who took a counter order (the staff account or the
-- POS device), from order.confirmed's cashier_id. NULL for web and kiosk orders and for orders
-- confirmed before it was published.
ALTER TABLE analytics_orders ADD COLUMN cashier_id TEXT;
ALTER TABLE analytics_orders ADD COLUMN cashier_name TEXT;
-- Why a refund was given (payment.refunded's reason), for the refunds report.
ALTER TABLE analytics_payments ADD COLUMN reason TEXT;
CREATE INDEX analytics_orders_cashier ON analytics_orders (cashier_id, business_date);
