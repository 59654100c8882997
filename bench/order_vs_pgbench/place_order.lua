-- wrk script for bench/order_vs_pgbench.sh: POST /api/v1/orders with a unique Idempotency-Key per
-- request, counting 201s and everything else.
--
--   ORDER_BENCH_IDS_FILE=ids.txt wrk -t2 -c8 -d10s --latency -s place_order.lua \
--       http://127.0.0.1:PORT/api/v1/orders -- TOKEN BODY_FILE RUN_TAG
--
-- TOKEN      bearer access token of the customer placing the orders
-- BODY_FILE  file holding the JSON request body (the same body for every request)
-- RUN_TAG    prefix of the Idempotency-Keys: unique per wrk run, so runs never replay each other
-- ORDER_BENCH_IDS_FILE (environment; optional) where done() writes the ids of the acknowledged
--            (201) orders, one per line
--
-- done() prints machine-readable lines the script parses:
--   ORDERS_CREATED <n>     201 responses
--   ORDERS_NON201 <n>      any other status (each one fails the benchmark)
--   ORDERS_FIRST_ERROR ... status and the start of the body of the first non-201, if any
--   LATENCY_US p50 p90 p99 max (microseconds, from wrk's latency histogram)

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

function init(args)
  local token, body_file = args[1], args[2]
  run_tag = args[3] or "run"
  assert(token and body_file, "usage: -- TOKEN BODY_FILE RUN_TAG")
  local f = assert(io.open(body_file, "rb"))
  body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
  sent = 0
  created = 0
  non201 = 0
  first_error = ""
  ids = {}
end

function request()
  sent = sent + 1
  wrk.headers["Idempotency-Key"] = run_tag .. "-" .. tid .. "-" .. sent
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, resp_body)
  if status == 201 then
    created = created + 1
    -- The order's JSON starts with its id.
    local id = resp_body:match('^{"id":"([^"]+)"')
    if id then ids[#ids + 1] = id end
  else
    non201 = non201 + 1
    if first_error == "" then
      first_error = tostring(status) .. " " .. (resp_body or ""):sub(1, 300):gsub("%s+", " ")
    end
  end
end

function done(summary, latency, requests)
  local total_created, total_non201, first = 0, 0, ""
  local ids_file = nil
  for _, t in ipairs(threads) do
    total_created = total_created + t:get("created")
    total_non201 = total_non201 + t:get("non201")
    local e = t:get("first_error")
    if first == "" and e and e ~= "" then first = e end
  end
  -- wrk hands init()'s arguments only to the threads; the ids file comes from the environment.
  local path = os.getenv("ORDER_BENCH_IDS_FILE")
  if path and path ~= "" then
    ids_file = assert(io.open(path, "w"))
    for _, t in ipairs(threads) do
      for _, id in ipairs(t:get("ids")) do ids_file:write(id, "\n") end
    end
    ids_file:close()
  end
  io.write(string.format("ORDERS_CREATED %d\n", total_created))
  io.write(string.format("ORDERS_NON201 %d\n", total_non201))
  if first ~= "" then io.write("ORDERS_FIRST_ERROR " .. first .. "\n") end
  io.write(string.format("LATENCY_US %d %d %d %d\n", latency:percentile(50), latency:percentile(90),
                         latency:percentile(99), latency.max))
end
