-- Whether a line's order is a sale (not cancelled or rejected), kept on the line so the product
-- and category reports read the lines alone instead of joining every line to its order.
ALTER TABLE analytics_order_lines ADD COLUMN sale BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE analytics_order_lines SET sale = FALSE
  WHERE order_id IN (SELECT order_id FROM analytics_orders WHERE final_status IN ('cancelled', 'rejected'));
