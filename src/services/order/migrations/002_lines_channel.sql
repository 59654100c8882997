-- What order.confirmed carries to the kitchen and receipts: the lines as made (JSON array of
-- order::events::Line), the channel the order came through, and the customer's name for the pass.
ALTER TABLE order_orders ADD COLUMN lines TEXT NOT NULL DEFAULT '[]';
ALTER TABLE order_orders ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
ALTER TABLE order_orders ADD COLUMN customer_name TEXT NOT NULL DEFAULT '';
