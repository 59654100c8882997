-- Card tokens belong to whoever created them (a customer, a device, later a guest checkout), are
-- single-use and short-lived unless a customer saved the card, and remember the order that used
-- them, so a stolen or replayed token is refused.
ALTER TABLE payment_tokens ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_tokens ADD COLUMN saved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;  -- unix s; 0 = never (saved)
ALTER TABLE payment_tokens ADD COLUMN used_by_order TEXT;                    -- NULL until an order used it
