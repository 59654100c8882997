#!/usr/bin/env python3
"""The operator's side of deploy/: alert rules are valid and unit-tested (promtool), dashboards are
valid Grafana JSON, and every metric either names is one a real `vetahut serve --demo` exposes on
/metrics. A dashboard or rule about a metric nobody exports is a silent hole: this test fails on it.

Usage: deploy_test.py --vetahut build/ci/src/app/vetahut --source .
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
    "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "abs", "clamp_min", "clamp_max",
    "label_values", "time", "vector", "scalar", "absent", "changes", "resets", "sort", "sort_desc", "round",
    "avg_over_time", "max_over_time", "min_over_time", "sum_over_time", "count_over_time", "inf", "nan",
}
# Series Prometheus itself makes for every target.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}


def metric_names(expr):
    """The metric names a PromQL expression selects (functions, keywords, labels, strings removed)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings (label values, templates)
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        word = m.group(0)
        after = text[m.end():].lstrip()
        if word.lower() in PROMQL_WORDS or after.startswith("("):
            continue
        if re.fullmatch(r"\d+[smhdwy]?", word):
            continue
        names.add(word)
    return names


def exposed_families(url):
    body = urllib.request.urlopen(url + "/metrics", timeout=10).read().decode()
    families = {}
    for line in body.splitlines():
        m = re.match(r"# TYPE (\S+) (\S+)", line)
        if m:
            families[m.group(1)] = m.group(2)
    return families


def known(name, families):
    if name in families or name in PROMETHEUS_SERIES:
        return True
    for suffix in ("_bucket", "_count", "_sum"):
        if name.endswith(suffix) and families.get(name[: -len(suffix)]) == "histogram":
            return True
    return False


def start_server(vetahut, data_dir):
    env = dict(os.environ, VETAHUT_SERVER_LISTEN="127.0.0.1:0", VETAHUT_LOG_LEVEL="warn")
    log = open(os.path.join(data_dir, "serve.log"), "w")
    proc = subprocess.Popen([vetahut, "serve", "--demo", "--data-dir", data_dir], stdout=subprocess.PIPE,
                            stderr=log, env=env, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if m:
            return proc, m.group(1)
    proc.kill()
    raise SystemExit("vetahut did not print its URL; log:\n" + open(os.path.join(data_dir, "serve.log")).read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vetahut", required=True)
    ap.add_argument("--source", required=True)
    args = ap.parse_args()
    deploy = os.path.abspath(os.path.join(args.source, "deploy"))
    failures = []

    promtool = shutil.which("promtool")
    if not promtool:
        raise SystemExit("promtool is missing: scripts/install-deps.sh --test installs prometheus")
    rules = os.path.join(deploy, "prometheus", "vetahut-alerts.yml")
    for cmd in ([promtool, "check", "rules", rules], [promtool, "test", "rules", "vetahut-alerts.test.yml"]):
        r = subprocess.run(cmd, cwd=os.path.dirname(rules), capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"{' '.join(cmd[1:])} failed:\n{r.stdout}{r.stderr}")

    # Every query of every rule and dashboard panel, with where it comes from.
    queries = []
    rule_text = open(rules).read()
    for m in re.finditer(r"- alert: (\S+)\n\s+expr: (\|\n((?:\s{10}.*\n)+)|(.*)\n)", rule_text):
        expr = m.group(3) if m.group(3) else m.group(4)
        queries.append((f"alert {m.group(1)}", expr.strip()))
    dashboards = sorted(f for f in os.listdir(os.path.join(deploy, "grafana")) if f.endswith(".json"))
    if not dashboards:
        failures.append("no dashboards in deploy/grafana")
    for name in dashboards:
        try:
            d = json.load(open(os.path.join(deploy, "grafana", name)))
        except json.JSONDecodeError as e:
            failures.append(f"{name}: not JSON: {e}")
            continue
        for key in ("uid", "title", "panels", "schemaVersion"):
            if key not in d:
                failures.append(f"{name}: no '{key}'")
        ids = [p.get("id") for p in d.get("panels", [])]
        if len(ids) != len(set(ids)):
            failures.append(f"{name}: panel ids repeat")
        for p in d.get("panels", []):
            if not p.get("targets"):
                failures.append(f"{name}: panel '{p.get('title')}' has no query")
            for t in p.get("targets", []):
                queries.append((f"{name} '{p.get('title')}'", t.get("expr", "")))

    data_dir = tempfile.mkdtemp(prefix="vetahut-deploy-")
    proc = None
    try:
        proc, url = start_server(args.vetahut, data_dir)
        families = exposed_families(url)
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(data_dir, ignore_errors=True)

    for where, expr in queries:
        names = metric_names(expr)
        if not names:
            failures.append(f"{where}: names no metric: {expr}")
        for n in sorted(names):
            if not known(n, families):
                failures.append(f"{where}: '{n}' is not exposed on /metrics (exposed: {', '.join(sorted(families))})")

    print(f"deploy: {len(queries)} queries over {len(families)} exposed metric families checked")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
