-- A store's tickets by the seq of their last change: what the open-ticket cache and a screen
-- coming back read ("what changed since seq N"), without walking the store's whole history.
CREATE INDEX kitchen_tickets_store_seq ON kitchen_tickets (store_id, seq);
