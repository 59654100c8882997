#!/usr/bin/env python3
"""Helper of bench/kitchen_stream_latency.sh (not run on its own): the kitchen-stream follower, the
steady-rate order placer, and the report that joins them. Times are CLOCK_MONOTONIC nanoseconds
(time.monotonic_ns), which is one clock for every process on the machine, so the follower and
the placer run as separate processes (no shared interpreter lock skewing the timestamps).

  follow URL TOKEN OUT READY STORE[,STORE…] [--station S]
      Opens GET /api/v1/stores/{store}/kitchen/stream for each store (one thread each), touches
      READY once every stream has sent its snapshot, then writes one line per ticket event:
      "<monotonic_ns> <order_id> <status> <seq> <store>". Runs until SIGTERM; exits 1 if a stream
      ends or fails before that.
  place URL TOKEN BODY OUT --rate R --count N --connections C --tag T [--stores S1,S2,…]
      POSTs N orders to /api/v1/orders on a fixed schedule (order i is due at start + i/R, an open
      loop: a slow answer does not slow the schedule down while a connection is free), over C
      keep-alive connections; BODY's "store_id" is replaced round-robin by the stores given. Writes
      one line per order: "<i> <due_ns> <sent_ns> <answered_ns> <status> <order_id> <order_status>".
  report PLACED EVENTS --warmup W
      Joins the two on order id, leaves out the first W orders, prints the table.
"""
import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse


def die(msg):
    print(f"kitchen_stream_latency.py: {msg}", file=sys.stderr)
    sys.exit(1)


def host_port(url):
    u = urllib.parse.urlsplit(url)
    return u.hostname, u.port or 80


# --- follow --------------------------------------------------------------------------------------

def follow(args):
    host, port = host_port(args.url)
    stores = [s for s in args.stores.split(",") if s]
    out = open(args.out, "w", buffering=1)
    lock = threading.Lock()
    ready = threading.Barrier(len(stores) + 1)
    failed = []

    def one(store):
        try:
            conn = http.client.HTTPConnection(host, port, timeout=600)
            path = f"/api/v1/stores/{store}/kitchen/stream"
            if args.station:
                path += "?station=" + urllib.parse.quote(args.station)
            conn.request("GET", path, headers={"Authorization": "Bearer " + args.token, "Accept": "text/event-stream"})
            resp = conn.getresponse()
            if resp.status != 200:
                raise RuntimeError(f"GET {path} answered {resp.status}: {resp.read(300)!r}")
            event, data, first_ns, snapshot = None, [], None, False
            while True:
                line = resp.readline()
                now = time.monotonic_ns()
                if not line:
                    raise RuntimeError(f"the stream of {store} ended (the server closed it)")
                line = line.rstrip(b"\r\n")
                if line.startswith(b":"):
                    continue  # keepalive
                if line:
                    if first_ns is None:
                        first_ns = now  # the event's first line: when it reached us
                    if line.startswith(b"event: "):
                        event = line[7:].decode()
                    elif line.startswith(b"data: "):
                        data.append(line[6:])
                    continue
                # A blank line ends an event.
                if event == "snapshot" and not snapshot:
                    snapshot = True
                    ready.wait()
                elif event == "ticket":
                    msg = json.loads(b"\n".join(data))
                    t = msg["ticket"]
                    with lock:
                        out.write(f"{first_ns} {t['order_id']} {t['status']} {msg['seq']} {store}\n")
                event, data, first_ns = None, [], None
        except BaseException as e:  # noqa: BLE001 — any end of a stream fails the run
            failed.append(f"{store}: {e}")
            try:
                ready.abort()
            except threading.BrokenBarrierError:
                pass
            os.kill(os.getpid(), signal.SIGUSR1)

    def on_usr1(signum, frame):
        die("; ".join(failed) or "a stream failed")

    signal.signal(signal.SIGUSR1, on_usr1)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    for s in stores:
        threading.Thread(target=one, args=(s,), daemon=True).start()
    try:
        ready.wait(timeout=30)
    except threading.BrokenBarrierError:
        die("; ".join(failed) or "the streams did not all send their snapshot within 30 s")
    open(args.ready, "w").close()
    while True:
        time.sleep(3600)


# --- place ---------------------------------------------------------------------------------------

def place(args):
    host, port = host_port(args.url)
    body = json.load(open(args.body))
    stores = [s for s in (args.stores or "").split(",") if s] or [body["store_id"]]
    bodies = []
    for s in stores:
        body["store_id"] = s
        bodies.append(json.dumps(body).encode())
    n, rate = args.count, args.rate
    results = [None] * n
    next_i = [0]
    lock = threading.Lock()
    start = time.monotonic_ns() + 100_000_000
    errors = []

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= n or errors:
                return
            due = start + int(i * 1e9 / rate)
            delay = due - time.monotonic_ns()
            if delay > 0:
                time.sleep(delay / 1e9)
            sent = time.monotonic_ns()
            try:
                conn.request("POST", "/api/v1/orders", bodies[i % len(bodies)],
                             {"Authorization": "Bearer " + args.token, "Content-Type": "application/json",
                              "Idempotency-Key": f"{args.tag}-{i}"})
                resp = conn.getresponse()
                raw = resp.read()
            except (OSError, http.client.HTTPException) as e:
                errors.append(f"order {i}: {e}")
                return
            answered = time.monotonic_ns()
            order_id, order_status = "-", "-"
            if resp.status == 201:
                o = json.loads(raw)
                order_id, order_status = o["id"], o["status"]
            elif not errors:
                errors.append(f"order {i}: HTTP {resp.status}: {raw[:300]!r}")
            results[i] = (i, due, sent, answered, resp.status, order_id, order_status)

    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(args.out, "w") as f:
        for r in results:
            if r:
                f.write(" ".join(str(x) for x in r) + "\n")
    if errors:
        die("placing failed: " + errors[0])


# --- report --------------------------------------------------------------------------------------

def pct(values, p):
    """Nearest-rank percentile of a sorted list."""
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, int(-(-p * len(values) // 1)) - 1))
    return values[k]


def report(args):
    placed = []
    for line in open(args.placed):
        i, due, sent, answered, status, order_id, order_status = line.split()
        placed.append((int(i), int(due), int(sent), int(answered), int(status), order_id, order_status))
    placed.sort()
    first_event = {}
    for line in open(args.events):
        ns, order_id, status, seq, store = line.split()
        if order_id not in first_event:
            first_event[order_id] = (int(ns), status)
    measured = [p for p in placed if p[0] >= args.warmup]
    if not measured:
        die("no order was measured")
    ok = [p for p in measured if p[4] == 201]
    not_confirmed = sum(1 for p in ok if p[6] != "confirmed")
    missing = [p[5] for p in ok if p[5] not in first_event]
    not_queued = sum(1 for p in ok if p[5] in first_event and first_event[p[5]][1] != "queued")
    # An order whose ticket never reached the stream counts as infinitely late.
    inf = float("inf")
    from_answer = sorted((first_event[p[5]][0] - p[3]) / 1e6 if p[5] in first_event else inf for p in ok)
    from_sent = sorted((first_event[p[5]][0] - p[2]) / 1e6 if p[5] in first_event else inf for p in ok)
    placement = sorted((p[3] - p[2]) / 1e6 for p in ok)
    lag = max((p[2] - p[1]) / 1e6 for p in measured)
    span = (max(p[3] for p in measured) - min(p[2] for p in measured)) / 1e9
    throughput = len(ok) / span if span > 0 else float("nan")

    def row(name, v):
        return (f"| {name:<44} | {pct(v, .50):8.1f} | {pct(v, .95):8.1f} | {pct(v, .99):8.1f} | {v[-1]:8.1f} |"
                if v else f"| {name:<44} | {'-':>8} | {'-':>8} | {'-':>8} | {'-':>8} |")

    print(f"orders measured: {len(measured)} (after {args.warmup} warm-up), {len(ok)} answered 201"
          f" ({not_confirmed} not 'confirmed'), {len(missing)} without a ticket event on the stream")
    print(f"placement throughput: {throughput:.1f} orders/s over {span:.1f} s"
          f" (schedule lag of the placer: max {lag:.1f} ms)")
    print()
    print(f"| {'ms':<44} | {'p50':>8} | {'p95':>8} | {'p99':>8} | {'max':>8} |")
    print(f"|{'-' * 46}|{'-' * 9}:|{'-' * 9}:|{'-' * 9}:|{'-' * 9}:|")
    print(row("201 answered → ticket event on the stream", from_answer))
    print(row("request sent → ticket event on the stream", from_sent))
    print(row("request sent → 201 answered (placement)", placement))
    print()
    early = sum(1 for v in from_answer if v < 0)
    if missing:
        print(f"{len(missing)} orders got no ticket event within 30 s of the last placement: counted as 'inf'")
    print(f"{early} of {len(from_answer) - len(missing)} ticket events reached the stream before the order's 201 did (negative values);"
          f" {not_queued} first events were not 'queued'")
    # The same over the run, in quarters: does it grow as the store's open tickets pile up?
    q = max(1, len(ok) // 4)
    parts = []
    for k in range(4):
        chunk = ok[k * q:(k + 1) * q] if k < 3 else ok[3 * q:]
        v = sorted((first_event[p[5]][0] - p[3]) / 1e6 if p[5] in first_event else inf for p in chunk)
        if v:
            parts.append(f"orders {chunk[0][0] + 1}–{chunk[-1][0] + 1}: p50 {pct(v, .5):.1f}, p99 {pct(v, .99):.1f}")
    print("201 → stream by quarter of the run (ms): " + "; ".join(parts))
    p99 = pct(from_answer, .99)
    print()
    print(f"RESULT p99_ms={p99:.1f} p50_ms={pct(from_answer, .5):.1f} throughput={throughput:.1f} missing={len(missing)}")
    if missing:
        print(f"first orders without a ticket event: {' '.join(missing[:5])}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("follow")
    f.add_argument("url")
    f.add_argument("token")
    f.add_argument("out")
    f.add_argument("ready")
    f.add_argument("stores")
    f.add_argument("--station", default="")
    p = sub.add_parser("place")
    p.add_argument("url")
    p.add_argument("token")
    p.add_argument("body")
    p.add_argument("out")
    p.add_argument("--rate", type=float, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--tag", required=True)
    p.add_argument("--stores", default="")
    r = sub.add_parser("report")
    r.add_argument("placed")
    r.add_argument("events")
    r.add_argument("--warmup", type=int, default=0)
    args = ap.parse_args()
    {"follow": follow, "place": place, "report": report}[args.cmd](args)


if __name__ == "__main__":
    main()
