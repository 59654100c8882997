#!/usr/bin/env python3
"""An independent reader of veta_hut's data lake (tests/analytics_test.cpp runs it).

Reads every Avro object container file of one store's day with Apache Avro's Python library
(Debian's python3-avro) — not the C library that wrote them — and prints, as JSON, what each
dataset holds: rows, files, codec, the schema's fields, and the sums the reports also show.

  lake_reader.py --lake DIR --date YYYY-MM-DD --store STORE_ID
"""
import argparse
import json
import os
import sys

import avro.datafile
import avro.io

DATASETS = ["events", "orders", "order_lines", "order_statuses", "payments", "tickets", "station_times", "deliveries"]


def read_partition(lake, dataset, date, store):
    folder = os.path.join(lake, dataset, f"date={date}", f"store={store}")
    info = {"rows": 0, "files": 0, "codecs": [], "fields": []}
    records = []
    if not os.path.isdir(folder):
        return info, records
    for name in sorted(os.listdir(folder)):
        if name.startswith(".") or not name.endswith(".avro"):
            continue  # temporary files of a writer are never data
        with open(os.path.join(folder, name), "rb") as f:
            reader = avro.datafile.DataFileReader(f, avro.io.DatumReader())
            schema = json.loads(reader.meta["avro.schema"].decode("utf-8"))
            info["fields"] = [field["name"] for field in schema["fields"]]
            info["codecs"].append(reader.meta.get("avro.codec", b"null").decode("utf-8"))
            for record in reader:
                records.append(record)
            reader.close()
        info["files"] += 1
    info["rows"] = len(records)
    return info, records


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lake", required=True)
    parser.add_argument("--date", required=True)
    parser.add_argument("--store", required=True)
    args = parser.parse_args()

    out = {"datasets": {}}
    data = {}
    for dataset in DATASETS:
        info, records = read_partition(args.lake, dataset, args.date, args.store)
        out["datasets"][dataset] = info
        data[dataset] = records

    no_sale = {"cancelled", "rejected"}
    sold = [o for o in data["orders"] if o["final_status"] not in no_sale]
    sold_ids = {o["order_id"] for o in sold}
    out["orders"] = {
        "sold": len(sold),
        "cancelled": len(data["orders"]) - len(sold),
        "total": sum(o["total"] for o in sold),
        "tax": sum(o["tax"] for o in sold),
        "tip": sum(o["tip"] for o in sold),
        "refunded": sum(o["refunded"] for o in sold),
        "currencies": sorted({o["currency"] for o in data["orders"]}),
    }
    out["order_lines"] = {
        "quantity": sum(l["quantity"] for l in data["order_lines"] if l["order_id"] in sold_ids),
        "revenue": sum(l["revenue"] for l in data["order_lines"] if l["order_id"] in sold_ids),
    }
    out["payments"] = {
        kind: sum(p["amount"] for p in data["payments"] if p["kind"] == kind)
        for kind in ("authorized", "captured", "refunded", "due", "voided")
    }
    out["tickets"] = {
        "made": sum(1 for t in data["tickets"] if t["voided_us"] is None),
        "late": sum(1 for t in data["tickets"] if t["voided_us"] is None and (t["late_s"] or 0) > 0),
    }
    out["station_times"] = {"bakes": sum(1 for s in data["station_times"] if s["oven"])}
    out["deliveries"] = {"delivered": sum(1 for d in data["deliveries"] if d["delivered_us"] is not None)}
    types = {}
    for e in data["events"]:
        types[e["type"]] = types.get(e["type"], 0) + 1
        json.loads(e["data"])  # every payload is JSON
    out["events"] = {"types": types}
    json.dump(out, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
