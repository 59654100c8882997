-- Kitchen stations: each item's stay at each station of its route (arrived → started: the wait
-- there; started → done: the work, the bake at an oven), from the `stations` of a ticket's ready
-- event. Dated and houred by the arrival at the station in the store's zone. A ticket recalled and
-- ready again replaces its rows (the newest ready event wins: event_us, event_id).
CREATE TABLE analytics_station_times (
  ticket_id TEXT NOT NULL,
  item_index BIGINT NOT NULL,
  visit_no BIGINT NOT NULL,          -- the stay's position on the item's route walk
  store_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  order_type TEXT NOT NULL,
  local_date TEXT NOT NULL,
  local_hour BIGINT NOT NULL,
  product_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  station TEXT NOT NULL,
  station_name TEXT NOT NULL,
  oven BOOLEAN NOT NULL,
  arrived_us BIGINT NOT NULL,
  started_us BIGINT NOT NULL,
  done_us BIGINT NOT NULL,
  wait_s DOUBLE PRECISION NOT NULL,  -- arrived → started
  work_s DOUBLE PRECISION NOT NULL,  -- started → done
  total_s DOUBLE PRECISION NOT NULL, -- arrived → done
  event_id TEXT NOT NULL,
  event_us BIGINT NOT NULL,
  PRIMARY KEY (ticket_id, item_index, visit_no)
);
CREATE INDEX analytics_station_times_date ON analytics_station_times (local_date, store_id);
