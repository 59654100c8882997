#!/usr/bin/env python3
"""docs/openapi.yaml matches the server route for route (issue 15).

Fails when `vetahut routes --json` lists a route the document lacks, when the document names an
operation no route serves, when an operation's x-permission or security differs from the route's
permission, when a path parameter is not declared, or when an operation lacks its error responses
(problem+json). Also checks that the binary serves the same document at /api/openapi.json.
Usage: openapi_routes_test.py --vetahut BUILD/src/app/vetahut --source REPO
"""
import argparse
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

METHODS = {"get", "post", "put", "patch", "delete"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vetahut", required=True)
    ap.add_argument("--source", required=True)
    args = ap.parse_args()
    with open(f"{args.source}/docs/openapi.yaml", encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    routes = json.loads(subprocess.check_output([args.vetahut, "routes", "--json"]))
    # /internal/v1/... are the services' calls to each other (decision 0041), never public.
    served = {(r["method"].lower(), r["pattern"]): r["permission"] for r in routes
              if not r["pattern"].startswith("/internal/")}
    internal = [r for r in routes if r["pattern"].startswith("/internal/")]
    if not internal or any(r["permission"] != "internal" for r in internal):
        print("every /internal/ route must exist with permission 'internal'")
        return 1
    documented = {}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                documented[(method, path)] = op
    failures = []
    for key in sorted(set(served) - set(documented)):
        failures.append(f"{key[0].upper()} {key[1]}: served, but docs/openapi.yaml lacks it")
    for key in sorted(set(documented) - set(served)):
        failures.append(f"{key[0].upper()} {key[1]}: in docs/openapi.yaml, but no route serves it")
    for key in sorted(set(served) & set(documented)):
        method, path = key
        op, permission = documented[key], served[key]
        where = f"{method.upper()} {path}"
        if op.get("x-permission") != permission:
            failures.append(f"{where}: x-permission {op.get('x-permission')!r}, the route declares {permission!r}")
        public = op.get("security") == []
        if public != (permission == "public"):
            failures.append(f"{where}: security {op.get('security')!r} does not fit permission {permission!r}")
        declared = {p["name"] for p in op.get("parameters", []) if p.get("in") == "path"}
        wanted = set(re.findall(r"{([^}]+)}", path))
        if declared != wanted:
            failures.append(f"{where}: path parameters {sorted(declared)} but the path has {sorted(wanted)}")
        responses = op.get("responses", {})
        if not any(code.startswith("2") for code in responses):
            failures.append(f"{where}: no success response")
        if not any(code.startswith("4") for code in responses):
            failures.append(f"{where}: no error response")
        if permission != "public" and "401" not in responses:
            failures.append(f"{where}: needs a token but documents no 401")
    for name, schema in doc["components"]["schemas"].items():
        for ref in re.findall(r"#/components/schemas/([A-Za-z0-9_]+)", json.dumps(schema)):
            if ref not in doc["components"]["schemas"]:
                failures.append(f"schema {name} refers to missing {ref}")

    # The binary serves this very document.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as data:
        server = subprocess.Popen([args.vetahut, "serve", "--data-dir", data, "--listen", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            served_doc = None
            for _ in range(100):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/openapi.json", timeout=2) as r:
                        served_doc = json.load(r)
                    break
                except OSError:
                    time.sleep(0.1)
            if served_doc != json.loads(json.dumps(doc)):
                failures.append("/api/openapi.json differs from docs/openapi.yaml (rebuild embeds it)")
        finally:
            server.terminate()
            server.wait(timeout=15)

    for f in failures:
        print("FAIL:", f)
    print(f"{len(served)} routes served, {len(documented)} operations documented")
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
