-- When the kitchen must have an order ready: its promise less the delivery leg (the zone's
-- estimate), so the kitchen fires an order-ahead delivery early enough to be at the door on time.
ALTER TABLE order_orders ADD COLUMN ready_by TEXT NOT NULL DEFAULT '';
