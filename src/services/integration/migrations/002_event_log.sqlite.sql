-- The event log partners can replay (decision 0024): every offered event, as partners receive it.
CREATE TABLE integration_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  time_us BIGINT NOT NULL,            -- when it happened (the envelope's time)
  envelope TEXT NOT NULL,             -- the CloudEvent, structured JSON: the body of a delivery
  customer_id TEXT,                   -- data.customer_id when the event has one: erased with the account
  recorded_us BIGINT NOT NULL
);
CREATE INDEX integration_events_time ON integration_events (time_us, seq);
CREATE INDEX integration_events_customer ON integration_events (customer_id);
