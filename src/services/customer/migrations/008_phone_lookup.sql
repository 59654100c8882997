-- The counter finds a caller's account by phone number (a phone order on the POS).
CREATE INDEX customer_accounts_phone ON customer_accounts (phone);
