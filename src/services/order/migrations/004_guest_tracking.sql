-- Guest checkout (decision 0028): the contact a guest gives with the order, and the unguessable
-- key of its tracking link (/api/v1/tracking/{key}). Orders stored before this have no key.
ALTER TABLE order_orders ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE order_orders ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE order_orders ADD COLUMN tracking_key TEXT;
CREATE UNIQUE INDEX order_orders_tracking_key ON order_orders (tracking_key);
