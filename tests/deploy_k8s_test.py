#!/usr/bin/env python3
"""deploy/: the image, the Kubernetes manifests and the compose file hold together, checked without a
cluster or a container engine.

- every overlay under deploy/k8s/overlays renders with `kubectl kustomize`, and each workload in it
  has liveness and readiness probes, CPU and memory requests and limits, runs as non-root without
  privilege escalation on a read-only root file system, runs a `--target` this binary has, mounts
  only volumes it declares, and refers only to ConfigMaps, Secrets, keys and claims the render
  contains; its rendered configuration (file and environment) is accepted by the binary; each
  Service selects a workload and names one of its ports, or has no selector and Endpoints of its
  own (a server outside the cluster); each NetworkPolicy selects a workload;
- the chain overlay has a Deployment per target (the gateway and every module under src/services),
  each with a Service, a PodDisruptionBudget and an autoscaling/v2 HorizontalPodAutoscaler selecting
  it (at least two replicas of the gateway and of order); its NetworkPolicies allow exactly the
  edges the modules declare (`needs()`/`wants()` in src/services/*/module.cpp, the gateway to every
  service, every process to customer's JWKS) and nothing from outside but to the gateway (and
  Prometheus's scrape); egress only to those services, DNS, the external PostgreSQL/RabbitMQ/Redis
  its settings name (at the addresses of their Endpoints), and the internet for the services that
  talk to providers; each process's environment names the clients it calls and no others, its own
  database role, the broker, the cache, the JWKS and the service token, with every password from a
  Secret;
- each workload starts for real: the binary runs with the container's arguments, environment and
  the rendered configuration file, and its probe paths answer 200. The chain starts as a whole
  (every Deployment once, its service addresses pointed at the others) on the PostgreSQL, RabbitMQ
  and Redis named by VETAHUT_TEST_PG_URL, VETAHUT_TEST_AMQP_URL and VETAHUT_TEST_REDIS_URL, its
  schemas made by deploy/postgres/init-schemas.sql; without them it is skipped, and says so;
- deploy/compose.yaml (never run here: no container engine): parses; every veta_hut service is built
  from deploy/Dockerfile; every target runs (two gateways, two orders); its environment is accepted
  by the binary and names the same clients as the overlay, each an address of a compose service of
  that target; database roles and passwords, broker credentials and the service token agree with
  the services that define them; every depends_on exists; nginx forwards to every gateway;
- deploy/Dockerfile: the runtime stage runs as a non-root user, its entrypoint is the binary the
  build stage copies in, and its packages provide every shared library the binary links
  (readelf's NEEDED entries, resolved to Debian packages with dpkg).

Usage: deploy_k8s_test.py --vetahut build/ci/src/app/vetahut --source .
"""
import argparse
import base64
import ipaddress
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request

import yaml


failures = []
# The C runtime every Debian image has (essential packages depend on it): never listed.
DEBIAN_BASE = {"libc6", "libgcc-s1"}
# Every process listens here in the image (VETAHUT_SERVER_LISTEN=0.0.0.0:8080).
HTTP_PORT = 8080
# The services whose NetworkPolicy may let them out to the internet, and why; no other may.
INTERNET = {
    "payment": "the card processor's API",
    "notification": "the mail server and the SMS provider",
    "integration": "partners' webhooks",
}
# An internet egress rule must keep these out (where clusters put pods, services and nodes).
PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
# The port each official image of an external server listens on (deploy/compose.yaml).
IMAGE_PORTS = {"postgres": 5432, "rabbitmq": 5672, "redis": 6379}
# Clients the platform itself gives every process but the gateway, beyond its modules' needs: staff
# actions are written to the customer service's audit log wherever they happen (decision 0041;
# src/app/platform.cpp asks for it with remote("audit")).
PLATFORM_NEEDS = {"audit": "staff actions to its audit log"}
# `vetahut serve --target` with this name loads the configuration, then refuses the target: what
# the binary says first tells whether it accepted the configuration.
CONFIG_CHECK_TARGET = "zz_config_check"


def check(ok, message):
    if not ok:
        failures.append(message)
    return ok


def modules_of(vetahut):
    """The modules `--target` accepts, from `vetahut serve --help` (generated from the build)."""
    out = subprocess.run([vetahut, "serve", "--help"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"all, (gateway, )?one module \(([^)]*)\)", out)
    if not m:
        sys.exit("could not read the module list from `vetahut serve --help`:\n" + out)
    return {"all"} | ({"gateway"} if m.group(1) else set()) | {name.strip() for name in m.group(2).split(",")}


# --- What the source says: the modules, the clients they need, and so who calls whom.

def read_modules(source):
    """{module: {"needs": [...], "wants": [...], "provides": [...]}} from src/services/*/module.cpp."""
    out = {}
    root = os.path.join(source, "src", "services")
    for d in sorted(os.listdir(root)):
        path = os.path.join(root, d, "module.cpp")
        if not os.path.isfile(path):
            continue
        text = open(path).read()
        name = re.search(r'\bname\(\) const override \{\s*return "([^"]+)";', text)
        if not check(name, f"{path}: could not read the module's name()"):
            continue
        m = {}
        for what in ("needs", "wants", "provides"):
            body = re.search(rf"\b{what}\(\) const override \{{\s*return \{{([^}}]*)\}};", text, re.S)
            if re.search(rf"\b{what}\(\) const override", text) and not body:
                failures.append(f"{path}: {what}() is not a plain `return {{\"...\"}};` this test can read")
            m[what] = re.findall(r'"([^"]+)"', body.group(1)) if body else []
        out[name.group(1)] = m
    return out


def check_platform_needs(source):
    """PLATFORM_NEEDS still says what src/app/platform.cpp does."""
    path = os.path.join(source, "src", "app", "platform.cpp")
    text = open(path).read() if os.path.isfile(path) else ""
    for c in PLATFORM_NEEDS:
        check(f'remote("{c}")' in text, f"src/app/platform.cpp no longer asks every process for the '{c}' client: "
              "update PLATFORM_NEEDS in this test")


def call_graph(modules):
    """calls: {process: {module it calls: why}} — each module's needs and wants (and PLATFORM_NEEDS),
    mapped to the module that provides the client, and the gateway to every module. edges: those calls plus every process
    to the module that signs tokens (its JWKS). signer: that module."""
    provider = {}
    for name, m in modules.items():
        for c in m["provides"]:
            provider[c] = name
    calls = {"gateway": {name: "an upstream of the gateway" for name in modules}}
    for name, m in modules.items():
        calls[name] = {}
        for c in m["needs"] + m["wants"]:
            if check(c in provider, f"src/services/{name}/module.cpp: needs or wants client '{c}', which no module provides"):
                if provider[c] != name:
                    calls[name].setdefault(provider[c], f"its client '{c}'")
    for c, why in PLATFORM_NEEDS.items():
        if check(c in provider, f"no module provides '{c}', which every process uses ({why})"):
            for name in modules:
                if provider[c] != name:
                    calls[name].setdefault(provider[c], why)
    signer = provider.get("auth.verifier")
    check(signer, "no module provides 'auth.verifier' (the one that signs tokens and publishes the JWKS)")
    edges = {(a, b) for a, callees in calls.items() for b in callees}
    edges |= {(a, signer) for a in calls if signer and a != signer}
    return calls, edges, signer


def check_init_schemas(source, modules, secrets):
    """deploy/postgres/init-schemas.sql makes a role and schema for every module, with a password from
    the environment the chain's Secret provides."""
    path = os.path.join(source, "deploy", "postgres", "init-schemas.sql")
    if not check(os.path.isfile(path), "deploy/postgres/init-schemas.sql: missing"):
        return
    sql = open(path).read()
    for m in modules:
        role = f"vh_{m}"
        for what, pattern in (("role", rf"CREATE ROLE {role}\b"), ("schema", rf"CREATE SCHEMA IF NOT EXISTS {role} AUTHORIZATION {role}\b"),
                              ("search_path", rf"ALTER ROLE {role} SET search_path = {role}\b"),
                              ("password", rf"ALTER ROLE {role} .*PASSWORD :'pw_{m}'")):
            check(re.search(pattern, sql), f"init-schemas.sql: no {what} for module {m} ({role})")
    check(re.search(r"REVOKE CREATE ON SCHEMA public FROM PUBLIC", sql), "init-schemas.sql: does not revoke CREATE on schema public")
    wanted = set(re.findall(r"^\\getenv \S+ (\S+)", sql, re.M))
    for name, data in secrets.items():
        missing = sorted(wanted - set(data))
        check(not missing, f"init-schemas.sql reads {missing}, which Secret {name} (the passwords' file) lacks")


# --- Rendered objects.

def render(overlay):
    r = subprocess.run(["kubectl", "kustomize", overlay], capture_output=True, text=True)
    if r.returncode != 0:
        failures.append(f"{overlay}: kubectl kustomize failed: {r.stderr.strip()}")
        return []
    return [d for d in yaml.safe_load_all(r.stdout) if d]


def by_kind(objects):
    out = {}
    for o in objects:
        out.setdefault(o["kind"], {})[o["metadata"]["name"]] = o
    return out


def secret_data(secret):
    out = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
    out.update(secret.get("stringData") or {})
    return out


def pod_labels(workload):
    return workload["spec"]["template"]["metadata"].get("labels", {})


def selects(selector, labels):
    """Whether a label selector (matchLabels and matchExpressions) selects these labels."""
    if selector is None:
        return False
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e["key"], e["operator"], e.get("values", [])
        if (op == "In" and labels.get(key) not in values) or (op == "NotIn" and key in labels and labels[key] in values) \
                or (op == "Exists" and key not in labels) or (op == "DoesNotExist" and key in labels):
            return False
    return True


K8S_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def container_env(where, c, kinds, report=True):
    """The environment Kubernetes gives a container — envFrom, then env in order with $(VAR) expanded
    from the variables before it — and the names whose value holds a Secret's."""
    stores = {"configMapRef": {n: o.get("data", {}) for n, o in kinds.get("ConfigMap", {}).items()},
              "secretRef": {n: secret_data(o) for n, o in kinds.get("Secret", {}).items()}}
    stores["configMapKeyRef"], stores["secretKeyRef"] = stores["configMapRef"], stores["secretRef"]
    env, secret = {}, set()
    for ef in c.get("envFrom", []):
        for kind in ("configMapRef", "secretRef"):
            ref = ef.get(kind)
            if not ref:
                continue
            if ref["name"] not in stores[kind]:
                if report:
                    check(ref.get("optional"), f"{where}: envFrom {kind} {ref['name']} is not in the render")
                continue
            for k, v in stores[kind][ref["name"]].items():
                env[ef.get("prefix", "") + k] = v
                if kind == "secretRef":
                    secret.add(ef.get("prefix", "") + k)
    for e in c.get("env", []):
        name = e["name"]
        if "value" in e:
            value = str(e["value"])
            env[name] = K8S_REF.sub(lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), m.group(0)), value)
            if any(m.group(1) in secret for m in K8S_REF.finditer(value) if m.group(1)):
                secret.add(name)
            else:
                secret.discard(name)
            continue
        for kind in ("configMapKeyRef", "secretKeyRef"):
            ref = e.get("valueFrom", {}).get(kind)
            if not ref:
                continue
            data = stores[kind].get(ref["name"])
            if data is None or ref["key"] not in data:
                if report:
                    check(ref.get("optional"), f"{where}: env {name} takes {kind} {ref['name']}/{ref['key']}, which the render lacks")
                continue
            env[name] = data[ref["key"]]
            if kind == "secretKeyRef":
                secret.add(name)
            else:
                secret.discard(name)
    return env, secret


def materialize(spec, c, kinds, tmp):
    """Writes the files of the container's mounted ConfigMaps under tmp; returns its arguments with
    their paths pointing there, and the configuration file's parsed contents ({} if none)."""
    config_maps = kinds.get("ConfigMap", {})
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    remap = {}
    for v in spec.get("volumes", []):
        if "configMap" in v and v["name"] in mounts and v["configMap"]["name"] in config_maps:
            local = os.path.join(tmp, "cm-" + v["name"])
            os.makedirs(local, exist_ok=True)
            for key, text in config_maps[v["configMap"]["name"]].get("data", {}).items():
                with open(os.path.join(local, key), "w") as f:
                    f.write(text)
            remap[mounts[v["name"]]] = local
    args = []
    for a in c.get("args", []):
        for mount, local in remap.items():
            if a.startswith(mount + "/"):
                a = local + a[len(mount):]
        args.append(a)
    config = {}
    if "--config" in args and os.path.isfile(args[args.index("--config") + 1]):
        with open(args[args.index("--config") + 1], "rb") as f:
            config = tomllib.load(f)
    return args, config


def config_complaint(vetahut, env, config_file=None):
    """None when the binary accepts this environment (and configuration file), else what it refuses:
    every unknown key (each dropped and the rest tried again), or its first complaint about a value.
    It loads both before it looks at --target, which names no module here."""
    env, unknown = dict(env), []
    config = None
    if config_file:
        with open(config_file, "rb") as f:
            config = tomllib.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(50):
            args = [os.path.abspath(vetahut), "serve", "--target", CONFIG_CHECK_TARGET]
            if config is not None:
                path = os.path.join(tmp, "vetahut.toml")
                with open(path, "w") as f:
                    for section, keys in config.items():
                        f.write(f"[{section}]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in keys.items()))
                args += ["--config", path]
            r = subprocess.run(args, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
                               capture_output=True, text=True, timeout=60, cwd=tmp)
            said = [line for line in r.stderr.splitlines() if line.startswith("vetahut:")]
            said = said[-1] if said else (r.stderr + r.stdout).strip()[-400:]
            if CONFIG_CHECK_TARGET in said:
                break
            m = re.search(r"unknown configuration variable (\S+)$", said)
            s = re.search(r"unknown configuration section '([^']+)'$", said)
            k = re.search(r"unknown configuration key (\S+)$", said)
            if m and m.group(1) in env:
                unknown.append(m.group(1))
                del env[m.group(1)]
            elif s and config and s.group(1) in config:
                unknown.append(f"[{s.group(1)}] in the file")
                del config[s.group(1)]
            elif k and config and k.group(1).split(".")[0] in config:
                section, key = k.group(1).split(".", 1)
                unknown.append(f"{k.group(1)} in the file")
                config[section].pop(key, None)
            else:
                return "; ".join(filter(None, [unknown and f"unknown: {', '.join(unknown)}", said]))
    return f"unknown: {', '.join(unknown)}" if unknown else None


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_status(url, method="GET"):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method, data=b"{}" if method == "POST" else None,
                                                           headers={"Content-Type": "application/json"}), timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def check_workload(where, workload, objects, kinds, modules, vetahut):
    spec = workload["spec"]["template"]["spec"]
    pod_security = spec.get("securityContext", {})
    declared = {v["name"]: v for v in spec.get("volumes", [])}
    config_maps = kinds.get("ConfigMap", {})
    claims = kinds.get("PersistentVolumeClaim", {})
    for v in declared.values():
        if "configMap" in v:
            check(v["configMap"]["name"] in config_maps, f"{where}: volume {v['name']} names a ConfigMap the render lacks")
        if "persistentVolumeClaim" in v:
            check(v["persistentVolumeClaim"]["claimName"] in claims, f"{where}: volume {v['name']} names a claim the render lacks")
    for c in spec["containers"]:
        name = f"{where}/{c['name']}"
        check(c.get("image"), f"{name}: no image")
        for probe in ("livenessProbe", "readinessProbe"):
            check(c.get(probe, {}).get("httpGet", {}).get("path"), f"{name}: no HTTP {probe}")
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            for r in ("cpu", "memory"):
                check(r in res.get(kind, {}), f"{name}: no {r} {kind[:-1]}")
        sec = c.get("securityContext", {})
        check(sec.get("runAsNonRoot", pod_security.get("runAsNonRoot")) is True, f"{name}: may run as root")
        check(sec.get("allowPrivilegeEscalation") is False, f"{name}: allows privilege escalation")
        check(sec.get("readOnlyRootFilesystem") is True, f"{name}: its root file system is writable")
        args = c.get("args", [])
        check(args[:1] == ["serve"], f"{name}: does not run `vetahut serve` ({args})")
        if "--target" in args:
            targets = args[args.index("--target") + 1].split(",")
            for t in targets:
                check(t in modules, f"{name}: --target {t} is not a module of this binary ({sorted(modules)})")
        for m in c.get("volumeMounts", []):
            check(m["name"] in declared, f"{name}: mounts undeclared volume {m['name']}")
        ports = {p.get("name") for p in c.get("ports", [])}
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            port = c.get(probe, {}).get("httpGet", {}).get("port")
            if isinstance(port, str):
                check(port in ports, f"{name}: {probe} names port {port} the container lacks")
        env, _ = container_env(name, c, kinds)
        tmp = tempfile.mkdtemp(prefix="vetahut-config-")
        try:
            args, _ = materialize(spec, c, kinds, tmp)
            config_file = args[args.index("--config") + 1] if "--config" in args else None
            complaint = config_complaint(vetahut, env, config_file)
            check(complaint is None, f"{name}: the binary refuses its rendered configuration: {complaint}")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def wait_for_probes(runs, deadline):
    """runs: [(where, proc, port, paths)]. Polls until every path answers 200 or the deadline."""
    pending = {where: list(paths) for where, _, _, paths in runs}
    while any(pending.values()) and time.time() < deadline:
        for where, proc, port, _ in runs:
            if proc.poll() is None:
                pending[where] = [p for p in pending[where] if get_status(f"http://127.0.0.1:{port}{p}") != 200]
        if any(pending[w] for w, proc, _, _ in runs if proc.poll() is None):
            time.sleep(0.2)
        else:
            break
    return pending


def stop(where, proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        failures.append(f"{where}: did not stop within 20 s of SIGTERM")


def probe_paths(c):
    return list(dict.fromkeys(c[p]["httpGet"]["path"] for p in ("startupProbe", "livenessProbe", "readinessProbe") if p in c))


def run_workload(where, workload, kinds, vetahut, tmp):
    """Starts the container's command with its environment and rendered config; its probes must answer."""
    spec = workload["spec"]["template"]["spec"]
    c = spec["containers"][0]
    args, _ = materialize(spec, c, kinds, tmp)
    port = free_port()
    data = os.path.join(tmp, "data")
    os.makedirs(data, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETAHUT_")}
    resolved, _ = container_env(where, c, kinds, report=False)
    env.update({k: v.replace("/var/lib/vetahut", data) for k, v in resolved.items()})
    env["VETAHUT_SERVER_LISTEN"] = f"127.0.0.1:{port}"
    env["VETAHUT_APP_DATA_DIR"] = data
    log = open(os.path.join(tmp, "vetahut.log"), "w")
    proc = subprocess.Popen([vetahut] + args, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        paths = probe_paths(c)
        pending = wait_for_probes([(where, proc, port, paths)], time.time() + 60)[where]
        if not check(not pending, f"{where}: probes {pending} did not answer 200 (exit {proc.poll()})"):
            log.flush()
            print(open(os.path.join(tmp, "vetahut.log")).read()[-3000:], file=sys.stderr)
        else:
            print(f"ok: {where} started with its rendered arguments and config; {', '.join(paths)} answered 200")
    finally:
        stop(where, proc)
        log.close()


def check_services(name, kinds, workloads):
    endpoints = kinds.get("Endpoints", {})
    for svc in kinds.get("Service", {}).values():
        sname = svc["metadata"]["name"]
        sel = svc["spec"].get("selector", {})
        if not sel:
            # A server outside the cluster: its Endpoints say where, with the Service's port names.
            ep = endpoints.get(sname)
            if check(ep, f"{name}: Service {sname} has no selector and no Endpoints"):
                addresses = [a["ip"] for s in ep.get("subsets", []) for a in s.get("addresses", [])]
                check(addresses, f"{name}: Endpoints {sname} list no address")
                ep_ports = {p.get("name") for s in ep.get("subsets", []) for p in s.get("ports", [])}
                for p in svc["spec"]["ports"]:
                    check(p.get("name") in ep_ports, f"{name}: Endpoints {sname} have no port named {p.get('name')}")
            continue
        targets = [w for w in workloads if sel.items() <= pod_labels(w).items()]
        check(targets, f"{name}: Service {sname} selects no workload")
        for p in svc["spec"]["ports"]:
            tp = p.get("targetPort")
            if isinstance(tp, str):
                check(any(tp in {cp.get("name") for c in w["spec"]["template"]["spec"]["containers"] for cp in c.get("ports", [])}
                          for w in targets), f"{name}: Service {sname} targets port {tp} no pod has")


def check_overlay(overlay, vetahut, modules, graph, source):
    name = os.path.basename(overlay)
    objects = render(overlay)
    if not objects:
        return
    before = len(failures)
    kinds = by_kind(objects)
    workloads = [o for o in objects if o["kind"] in ("Deployment", "StatefulSet")]
    check(workloads, f"{name}: no workload")
    for w in workloads:
        check_workload(f"{name}/{w['metadata']['name']}", w, objects, kinds, modules, vetahut)
    check_services(name, kinds, workloads)
    for np in kinds.get("NetworkPolicy", {}).values():
        check(any(selects(np["spec"]["podSelector"], pod_labels(w)) for w in workloads),
              f"{name}: NetworkPolicy {np['metadata']['name']} selects no workload")
    if name == "chain":
        check_chain(name, kinds, graph, source)
    if len(failures) == before:
        print(f"ok: {name} renders {len(objects)} objects: {', '.join(sorted({o['kind'] for o in objects}))}")
    if name == "chain":
        run_chain(name, kinds, vetahut, source)
        return
    for w in workloads:
        tmp = tempfile.mkdtemp(prefix="vetahut-deploy-")
        try:
            run_workload(f"{name}/{w['metadata']['name']}", w, kinds, vetahut, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# --- The chain: one process per target, wired as the modules say.

def setting(env, config, section, key):
    """A setting as the binary sees it: VETAHUT_<SECTION>_<KEY> over the file's [section] key."""
    name = f"VETAHUT_{section}_{key}".upper()
    if name in env:
        return env[name]
    value = config.get(section, {}).get(key)
    return None if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def check_process_env(where, target, env, secret, config, graph, resolve):
    """One process's wiring: the clients it calls (its modules' needs and wants, no more), each an
    address of a process of that target; the JWKS; the service token; its own database role; the
    broker and the cache. resolve(host, port) says what answers there: ("process", target),
    ("external", name) or something else. Returns the external servers it connects to."""
    calls, _, signer = graph
    uses = set()
    clients = {k[len("VETAHUT_CLIENTS_"):].lower(): v for k, v in env.items() if k.startswith("VETAHUT_CLIENTS_")}
    for k, v in config.get("clients", {}).items():
        clients.setdefault(k, v)
    clients.pop("service_token", None)
    want = set(calls.get(target, {}))
    check(set(clients) == want, f"{where}: names the clients {sorted(clients)}, but --target {target} calls {sorted(want)} "
          f"({'; '.join(f'{k}: {v}' for k, v in sorted(calls.get(target, {}).items()))})")
    for service, urls in sorted(clients.items()):
        for url in urls.split(","):
            u = urllib.parse.urlsplit(url.strip())
            r = resolve(u.hostname, u.port or 80)
            check(u.scheme == "http" and r == ("process", service),
                  f"{where}: clients.{service} = {url.strip()} reaches {r}, not the {service} service")
    jwks = setting(env, config, "auth", "jwks_url")
    if target == signer:
        check(not jwks, f"{where}: the {signer} service signs tokens; it needs no auth.jwks_url")
    else:
        u = urllib.parse.urlsplit(jwks or "")
        check(jwks and resolve(u.hostname, u.port or 80) == ("process", signer) and u.path == "/.well-known/jwks.json",
              f"{where}: auth.jwks_url = {jwks} is not the {signer} service's /.well-known/jwks.json")
    token = setting(env, config, "clients", "service_token")
    check(token, f"{where}: no clients.service_token")
    if secret is not None:
        check("VETAHUT_CLIENTS_SERVICE_TOKEN" in secret, f"{where}: the service token is not from a Secret")
    db, bus = setting(env, config, "db", "url") or "", setting(env, config, "bus", "url") or ""
    if target == "gateway":
        check(db in ("", "sqlite::memory:"), f"{where}: the gateway keeps no data, but db.url = {db}")
        check(bus in ("", "inproc:"), f"{where}: the gateway consumes no events, but bus.url = {bus}")
        check(setting(env, config, "ratelimit", "trust_forwarded_for") == "true",
              f"{where}: a gateway behind a proxy needs ratelimit.trust_forwarded_for = true")
    else:
        u = urllib.parse.urlsplit(db)
        r = resolve(u.hostname, u.port or 5432)
        check(u.scheme in ("postgresql", "postgres") and u.username == f"vh_{target}" and r[0] == "external",
              f"{where}: db.url = {db} is not role vh_{target} on the external PostgreSQL ({r})")
        uses.add(r)
        u = urllib.parse.urlsplit(bus)
        r = resolve(u.hostname, u.port or 5672)
        check(u.scheme == "amqp" and r[0] == "external", f"{where}: bus.url = {bus} is not the external RabbitMQ ({r})")
        uses.add(r)
        if secret is not None:
            check({"VETAHUT_DB_URL", "VETAHUT_BUS_URL"} <= secret, f"{where}: the database or broker password is not from a Secret")
    cache = setting(env, config, "cache", "url") or ""
    u = urllib.parse.urlsplit(cache)
    r = resolve(u.hostname, u.port or 6379)
    check(u.scheme == "redis" and r[0] == "external", f"{where}: cache.url = {cache} is not the external Redis ({r})")
    uses.add(r)
    if secret is not None:
        for k in env:
            if re.search(r"PASSWORD|TOKEN|SECRET", k) and k.startswith("VETAHUT_"):
                check(k in secret, f"{where}: {k} is written in the manifest, not taken from a Secret")
    return {u[1] for u in uses if u[0] == "external"}


def check_chain(name, kinds, graph, source):
    calls, edges, _ = graph
    deployments = kinds.get("Deployment", {})
    targets = set(calls)
    check(set(deployments) == targets, f"{name}: Deployments {sorted(deployments)}, one per target expected: {sorted(targets)}")
    services = kinds.get("Service", {})
    endpoints = kinds.get("Endpoints", {})
    hpas = kinds.get("HorizontalPodAutoscaler", {}).values()
    pdbs = kinds.get("PodDisruptionBudget", {}).values()

    def resolve(host, port):
        svc = services.get(host)
        if not svc:
            return ("unknown host", host)
        if port not in {p["port"] for p in svc["spec"]["ports"]}:
            return ("no such port", f"{host}:{port}")
        sel = svc["spec"].get("selector")
        if not sel:
            return ("external", host)
        chosen = [d for d, o in deployments.items() if sel.items() <= pod_labels(o).items()]
        return ("process", chosen[0]) if len(chosen) == 1 else ("selects", tuple(chosen))

    def addresses(external):
        ep = endpoints.get(external, {})
        return [(ipaddress.ip_address(a["ip"]), p["port"]) for s in ep.get("subsets", [])
                for a in s.get("addresses", []) for p in s.get("ports", [])]

    uses = {}
    for dn, d in sorted(deployments.items()):
        where = f"{name}/{dn}"
        spec = d["spec"]["template"]["spec"]
        c = spec["containers"][0]
        args = c.get("args", [])
        target = args[args.index("--target") + 1] if "--target" in args else "all"
        check(target == dn, f"{where}: runs --target {target}; the chain's Deployment {dn} runs --target {dn}")
        labels = pod_labels(d)
        mine = [p for p in pdbs if selects(p["spec"].get("selector"), labels)]
        if check(len(mine) == 1, f"{where}: {len(mine)} PodDisruptionBudgets select it, one expected"):
            check(mine[0]["spec"].get("maxUnavailable") is not None or mine[0]["spec"].get("minAvailable") is not None,
                  f"{where}: its PodDisruptionBudget sets neither minAvailable nor maxUnavailable")
        scalers = [h for h in hpas if h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
                   and h["spec"]["scaleTargetRef"].get("name") == dn]
        if check(len(scalers) == 1, f"{where}: {len(scalers)} HorizontalPodAutoscalers scale it, one expected"):
            h = scalers[0]
            lo, hi = h["spec"].get("minReplicas", 1), h["spec"]["maxReplicas"]
            check(h["apiVersion"] == "autoscaling/v2", f"{where}: its autoscaler is {h['apiVersion']}, not autoscaling/v2")
            check(lo <= hi and h["spec"].get("metrics"), f"{where}: its autoscaler has no metric or min > max")
            if dn in ("gateway", "order"):
                check(lo >= 2, f"{where}: at least two replicas expected, the autoscaler allows {lo}")
            if mine and isinstance(mine[0]["spec"].get("minAvailable"), int):
                check(mine[0]["spec"]["minAvailable"] < lo, f"{where}: its PodDisruptionBudget blocks every node drain at {lo} replicas")
            replicas = d["spec"].get("replicas")
            check(replicas is None or lo <= replicas <= hi, f"{where}: replicas {replicas} outside its autoscaler's {lo}..{hi}")
        check(any(s["spec"].get("selector") and s["spec"]["selector"].items() <= labels.items() for s in services.values()),
              f"{where}: no Service selects it")
        env, secret = container_env(where, c, kinds, report=False)
        tmp = tempfile.mkdtemp(prefix="vetahut-config-")
        try:
            _, config = materialize(spec, c, kinds, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        uses[dn] = check_process_env(where, dn, env, secret, config, graph, resolve)

    # NetworkPolicies: Kubernetes adds up every policy that selects a pod.
    policies = list(kinds.get("NetworkPolicy", {}).values())

    def types(p):
        return p["spec"].get("policyTypes") or (["Ingress"] + (["Egress"] if "egress" in p["spec"] else []))

    def ports_of(rule):
        return {(p.get("port"), p.get("protocol", "TCP")) for p in rule.get("ports") or []}

    def reaches_http(ports):
        return not ports or (HTTP_PORT, "TCP") in ports

    # A pod selector is the chain's only if it asks for a label every pod of the chain has (`{}`, or
    # a component alone, could also pick other pods of the namespace).
    common = set.intersection(*(set(pod_labels(d).items()) for d in deployments.values())) if deployments else set()

    def of_chain(peer):
        return peer is not None and set(peer) == {"podSelector"} and common & set((peer["podSelector"].get("matchLabels") or {}).items())

    got = {"ingress": set(), "egress": set()}
    outside = set()
    for dn, d in sorted(deployments.items()):
        where = f"{name}/{dn}"
        mine = [p for p in policies if selects(p["spec"]["podSelector"], pod_labels(d))]
        check(any("Ingress" in types(p) for p in mine), f"{where}: no NetworkPolicy limits what reaches it")
        check(any("Egress" in types(p) for p in mine), f"{where}: no NetworkPolicy limits what it reaches")
        dns, blocks, open_to_outside = False, [], False
        for p in mine:
            pn = p["metadata"]["name"]
            for rule in (p["spec"].get("ingress") or []) if "Ingress" in types(p) else []:
                ports = ports_of(rule)
                for peer in rule.get("from") or [None]:
                    if of_chain(peer):
                        for src, o in deployments.items():
                            if src != dn and selects(peer["podSelector"], pod_labels(o)) and reaches_http(ports):
                                got["ingress"].add((src, dn))
                    elif dn == "gateway":
                        open_to_outside = open_to_outside or reaches_http(ports)
                    elif peer and set(peer) == {"namespaceSelector", "podSelector"} and ports == {(HTTP_PORT, "TCP")}:
                        outside.add(f"{pn}: pods {peer['podSelector']} of namespaces {peer['namespaceSelector']}")
                    else:
                        failures.append(f"{where}: reachable from outside the chain through NetworkPolicy {pn} "
                                        f"({peer or 'anyone'} on {sorted(ports) or 'every port'}); only the gateway may be")
            for rule in (p["spec"].get("egress") or []) if "Egress" in types(p) else []:
                ports = ports_of(rule)
                for peer in rule.get("to") or [None]:
                    if peer is None:
                        if check(ports and {port for port, _ in ports} == {53},
                                 f"{where}: NetworkPolicy {pn} lets it connect anywhere on {sorted(ports) or 'every port'}"):
                            dns = True
                    elif of_chain(peer):
                        for dst, o in deployments.items():
                            if dst != dn and selects(peer["podSelector"], pod_labels(o)) and reaches_http(ports):
                                got["egress"].add((dn, dst))
                    elif set(peer) == {"ipBlock"}:
                        net = ipaddress.ip_network(peer["ipBlock"]["cidr"])
                        blocks.append((pn, net, [ipaddress.ip_network(e) for e in peer["ipBlock"].get("except", [])], ports))
                    else:
                        failures.append(f"{where}: NetworkPolicy {pn} lets it reach {peer}, which is neither a process of the "
                                        "chain nor an address")
        check(dns, f"{where}: its NetworkPolicies do not let it resolve names (port 53)")
        if dn == "gateway":
            check(open_to_outside, f"{where}: its NetworkPolicies let nothing from outside reach port {HTTP_PORT}")
        needed = [(ext, ip, port) for ext in sorted(uses.get(dn, ())) for ip, port in addresses(ext)]
        for ext, ip, port in needed:
            check(any(ip in net and not any(ip in e for e in ex) and (not ports or (port, "TCP") in ports) for _, net, ex, ports in blocks),
                  f"{where}: connects to {ext} ({ip}:{port}, its Endpoints), which its NetworkPolicies do not allow")
        for pn, net, ex, ports in blocks:
            if net.prefixlen == 0:
                check(dn in INTERNET, f"{where}: NetworkPolicy {pn} lets it reach the internet, which only "
                      f"{', '.join(f'{k} ({v})' for k, v in INTERNET.items())} need")
                check(all(any(p.subnet_of(e) for e in ex if e.version == p.version) for p in PRIVATE),
                      f"{where}: NetworkPolicy {pn}'s internet rule does not keep out the private ranges {[str(p) for p in PRIVATE]}")
            else:
                check(any(ip in net for _, ip, _ in needed),
                      f"{where}: NetworkPolicy {pn} lets it reach {net}, which none of its settings connects to")
    for way, edges_got in got.items():
        missing, extra = sorted(edges - edges_got), sorted(edges_got - edges)
        check(not missing, f"{name}: the NetworkPolicies' {way} rules do not allow {missing}, which the modules call")
        check(not extra, f"{name}: the NetworkPolicies' {way} rules allow {extra}, which no module calls")
    for o in sorted(outside):
        print(f"note: {name}: from outside, {o} may reach every process's port {HTTP_PORT} (the metrics scrape)")
    check_init_schemas(source, [m for m in calls if m != "gateway"],
                       {n: secret_data(s) for n, s in kinds.get("Secret", {}).items()
                        if any(k.startswith("VH_PG_PASSWORD_") for k in secret_data(s))})


def psql(url, *args, env=None):
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url] + list(args), capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"psql {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def run_chain(name, kinds, vetahut, source):
    """Starts every Deployment of the chain once, each pointed at the others' local ports, on the test
    PostgreSQL (a fresh database, its roles and schemas made by init-schemas.sql with the Secret's
    passwords), RabbitMQ and Redis; every probe must answer 200, and the gateway must route."""
    missing = [v for v in ("VETAHUT_TEST_PG_URL", "VETAHUT_TEST_AMQP_URL", "VETAHUT_TEST_REDIS_URL") if not os.environ.get(v)]
    if missing or not shutil.which("psql"):
        print(f"skipped: {name} was not started for real: it needs PostgreSQL, RabbitMQ and Redis, and "
              f"{', '.join(missing) or 'psql'} {'is' if len(missing) < 2 else 'are'} not there "
              "(scripts/with-postgres.sh and scripts/with-rabbitmq.sh provide the first two)")
        return
    deployments = kinds["Deployment"]
    services = kinds.get("Service", {})
    pg = urllib.parse.urlsplit(os.environ["VETAHUT_TEST_PG_URL"])
    database = f"vetahut_deploy_{os.getpid()}"
    test_db = urllib.parse.urlunsplit(pg._replace(path="/" + database))
    ports = {dn: free_port() for dn in deployments}
    # Service address -> the local port of the process behind it.
    local = {}
    for sname, svc in services.items():
        sel = svc["spec"].get("selector")
        for dn, d in deployments.items():
            if sel and sel.items() <= pod_labels(d).items():
                for p in svc["spec"]["ports"]:
                    local[f"{sname}:{p['port']}"] = f"127.0.0.1:{ports[dn]}"
    tmp = tempfile.mkdtemp(prefix="vetahut-chain-")
    runs, logs = [], {}
    psql(os.environ["VETAHUT_TEST_PG_URL"], "-c", f'CREATE DATABASE "{database}"')
    try:
        secrets = {}
        for s in kinds.get("Secret", {}).values():
            secrets.update(secret_data(s))
        psql(test_db, "-f", os.path.join(source, "deploy", "postgres", "init-schemas.sql"), env={**os.environ, **secrets})
        for dn, d in sorted(deployments.items()):
            where = f"{name}/{dn}"
            spec = d["spec"]["template"]["spec"]
            c = spec["containers"][0]
            wtmp = os.path.join(tmp, dn)
            os.makedirs(os.path.join(wtmp, "data"))
            args, _ = materialize(spec, c, kinds, wtmp)
            resolved, _ = container_env(where, c, kinds, report=False)
            env = {k: v for k, v in os.environ.items() if not k.startswith("VETAHUT_")}
            for k, v in resolved.items():
                if k == "VETAHUT_DB_URL" and v.startswith("postgres"):
                    u = urllib.parse.urlsplit(v)  # the role and password the Secret gives, on the test server
                    v = urllib.parse.urlunsplit(u._replace(netloc=f"{u.username}:{u.password}@{pg.hostname}:{pg.port or 5432}",
                                                           path="/" + database))
                elif k == "VETAHUT_BUS_URL" and v.startswith("amqp"):
                    v = os.environ["VETAHUT_TEST_AMQP_URL"]
                else:
                    v = re.sub(r"(?<=[/@,])([a-z0-9-]+:\d+)(?=[/,]|$)", lambda m: local.get(m.group(1), m.group(1)), v)
                env[k] = v.replace("/var/lib/vetahut", os.path.join(wtmp, "data"))
            env["VETAHUT_CACHE_URL"] = os.environ["VETAHUT_TEST_REDIS_URL"]
            env["VETAHUT_SERVER_LISTEN"] = f"127.0.0.1:{ports[dn]}"
            env["VETAHUT_APP_DATA_DIR"] = os.path.join(wtmp, "data")
            logs[where] = open(os.path.join(wtmp, "vetahut.log"), "w")
            proc = subprocess.Popen([vetahut] + args, env=env, stdout=logs[where], stderr=subprocess.STDOUT)
            runs.append((where, proc, ports[dn], probe_paths(c)))
        pending = wait_for_probes(runs, time.time() + 120)
        for where, proc, port, paths in runs:
            if not check(not pending[where], f"{where}: in the chain, probes {pending[where]} did not answer 200 (exit {proc.poll()})"):
                logs[where].flush()
                print(f"--- {where}:\n" + open(logs[where].name).read()[-2000:], file=sys.stderr)
        if not any(pending.values()):
            print(f"ok: {name} started as {len(runs)} processes on PostgreSQL (each with its role vh_<module> and schema), "
                  "RabbitMQ and Redis; every probe answered 200")
            if "gateway" in ports:
                front = f"http://127.0.0.1:{ports['gateway']}"
                # A replica the gateway probed before it was up is asked again within 250 ms.
                for _ in range(20):
                    stores = get_status(f"{front}/api/v1/stores")
                    if stores == 200:
                        break
                    time.sleep(0.1)
                if check(stores == 200, f"{name}: GET /api/v1/stores through the gateway answered {stores}, not 200"):
                    print(f"ok: {name}: the gateway routes GET /api/v1/stores to the location service")
                status = get_status(f"{front}/internal/v1/location/check-delivery", "POST")
                check(status is not None and not 200 <= status < 300, f"{name}: the gateway forwarded POST /internal/... ({status})")
    finally:
        for where, proc, _, _ in runs:
            stop(where, proc)
        for f in logs.values():
            f.close()
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            psql(os.environ["VETAHUT_TEST_PG_URL"], "-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        except RuntimeError as e:
            print(f"note: {e}", file=sys.stderr)


# --- deploy/compose.yaml, checked without a container engine.

COMPOSE_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value, where):
    """Compose's ${VAR:-default} with nothing set: what a user who sets nothing gets."""
    def sub(m):
        if m.group(0) == "$$":
            return "$"
        if m.group(2) and m.group(2).endswith("?"):
            failures.append(f"{where}: ${{{m.group(1)}}} must be set; a first `compose up` fails")
            return ""
        return m.group(3) or ""
    return COMPOSE_VAR.sub(sub, value)


def compose_env(service, where):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: interpolate("" if v is None else str(v).lower() if isinstance(v, bool) else str(v), where) for k, v in env.items()}


def check_compose(source, vetahut, graph):
    path = os.path.join(source, "deploy", "compose.yaml")
    if not check(os.path.isfile(path), "deploy/compose.yaml: missing"):
        return
    before = len(failures)
    here = os.path.dirname(path)
    try:
        doc = yaml.safe_load(open(path))
    except yaml.YAMLError as e:
        failures.append(f"deploy/compose.yaml: not YAML: {e}")
        return
    services = doc.get("services") or {}
    targets = {}
    for sname, s in services.items():
        where = f"compose {sname}"
        command = s.get("command") or []
        command = command.split() if isinstance(command, str) else command
        image = s.get("image", "")
        if command[:1] == ["serve"]:
            build = s.get("build")
            build = {"context": build} if isinstance(build, str) else build or {}
            context = os.path.normpath(os.path.join(here, build.get("context", ".")))
            check(context == os.path.normpath(source) and
                  os.path.normpath(os.path.join(context, build.get("dockerfile", "Dockerfile"))) ==
                  os.path.normpath(os.path.join(source, "deploy", "Dockerfile")),
                  f"{where}: not built from deploy/Dockerfile in the repository ({build})")
            targets[sname] = command[command.index("--target") + 1] if "--target" in command else "all"
        else:
            check(re.fullmatch(r"(postgres|rabbitmq|redis|nginx):[\w.-]+", image),
                  f"{where}: image {image!r} is not an official PostgreSQL, RabbitMQ, Redis or nginx image")
        for dep in s.get("depends_on") or []:
            check(dep in services, f"{where}: depends_on {dep}, which is not a service")
        for v in s.get("volumes") or []:
            host = str(v).split(":")[0]
            if host.startswith((".", "/")):
                check(os.path.exists(os.path.join(here, host)), f"{where}: mounts {host}, which does not exist")
    # depends_on has no cycle (compose would refuse to start).
    state = {}

    def visit(n, trail):
        if state.get(n) == "done":
            return
        if not check(state.get(n) != "visiting", f"deploy/compose.yaml: depends_on cycle {' -> '.join(trail + [n])}"):
            return
        state[n] = "visiting"
        for dep in (services.get(n) or {}).get("depends_on") or []:
            if dep in services:
                visit(dep, trail + [n])
        state[n] = "done"
    for n in services:
        visit(n, [])

    counts = {t: list(targets.values()).count(t) for t in set(targets.values())}
    check(set(counts) == set(graph[0]), f"deploy/compose.yaml: runs the targets {sorted(counts)}, expected {sorted(graph[0])}")
    check(counts.get("gateway", 0) >= 2 and counts.get("order", 0) >= 2,
          f"deploy/compose.yaml: two gateways and two orders expected, it has {counts.get('gateway', 0)} and {counts.get('order', 0)}")

    def listen_port(sname):
        listen = compose_env(services[sname], sname).get("VETAHUT_SERVER_LISTEN", f"0.0.0.0:{HTTP_PORT}")
        return int(listen.rsplit(":", 1)[1])

    def image_kind(sname):
        return (services[sname].get("image") or "").split(":")[0]

    def resolve(host, port):
        if host in targets:
            return ("process", targets[host]) if port == listen_port(host) else ("no such port", f"{host}:{port}")
        if host in services and image_kind(host) in IMAGE_PORTS:
            return ("external", host) if port == IMAGE_PORTS[image_kind(host)] else ("no such port", f"{host}:{port}")
        return ("unknown host", host)

    by_image = {image_kind(n): n for n in services}
    init_env = {}
    for n, s in services.items():
        if any("init-schemas.sql" in str(v) for v in s.get("volumes") or []):
            init_env = compose_env(s, n)
            check(n in {d for t in targets for d in (services[t].get("depends_on") or {})},
                  f"compose {n}: no service waits for it")
            for t, target in targets.items():
                if target != "gateway":
                    cond = (services[t].get("depends_on") or {}).get(n)
                    check(isinstance(cond, dict) and cond.get("condition") == "service_completed_successfully",
                          f"compose {t}: does not wait for {n} to finish (its schema)")
    check(init_env, "deploy/compose.yaml: no service runs deploy/postgres/init-schemas.sql")
    broker = compose_env(services.get(by_image.get("rabbitmq"), {}), "rabbitmq")
    tokens = set()
    for sname, target in sorted(targets.items()):
        where = f"compose {sname}"
        env = compose_env(services[sname], where)
        check_process_env(where, target, env, None, {}, graph, resolve)
        complaint = config_complaint(vetahut, env)
        check(complaint is None, f"{where}: the binary refuses its environment: {complaint}")
        tokens.add(env.get("VETAHUT_CLIENTS_SERVICE_TOKEN"))
        if target != "gateway":
            db = urllib.parse.urlsplit(env.get("VETAHUT_DB_URL", ""))
            check(db.password and db.password == init_env.get(f"VH_PG_PASSWORD_{target.upper()}"),
                  f"{where}: its database password is not the one the schema set-up gives vh_{target}")
            bus = urllib.parse.urlsplit(env.get("VETAHUT_BUS_URL", ""))
            check((bus.username, bus.password) == (broker.get("RABBITMQ_DEFAULT_USER"), broker.get("RABBITMQ_DEFAULT_PASS")),
                  f"{where}: its RabbitMQ user and password are not the broker's")
    check(len(tokens) == 1, "deploy/compose.yaml: the processes do not share one service token")
    # nginx in front: every gateway, on the port the gateways listen on; published on 8080.
    front = by_image.get("nginx")
    if check(front, "deploy/compose.yaml: no nginx in front of the gateways"):
        conf = [str(v).split(":")[0] for v in services[front].get("volumes") or [] if str(v).endswith((".conf:ro", ".conf"))
                or ".conf:" in str(v)]
        text = "".join(open(os.path.join(here, c)).read() for c in conf if os.path.isfile(os.path.join(here, c)))
        upstreams = set(re.findall(r"^\s*server\s+([\w.-]+:\d+)", text, re.M))
        gateways = {f"{n}:{listen_port(n)}" for n, t in targets.items() if t == "gateway"}
        check(upstreams == gateways, f"compose {front}: forwards to {sorted(upstreams)}, the gateways are {sorted(gateways)}")
        listen = re.findall(r"^\s*listen\s+(\d+)", text, re.M)
        check(any(str(p).endswith(f":{port}") for p in services[front].get("ports") or [] for port in listen),
              f"compose {front}: publishes {services[front].get('ports')}, but listens on {listen}")
    if len(failures) == before:
        print(f"ok: deploy/compose.yaml: {len(services)} services, {len(targets)} veta_hut processes built from deploy/Dockerfile, "
              "wired as the modules call each other, their environments accepted by the binary (not run: no container engine)")


def package_of(soname):
    """The Debian package that provides a shared library, and its priority."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    m = re.search(rf"^\s*{re.escape(soname)} \(libc6,x86-64\) => (\S+)$", out, re.M)
    if not m:
        return None, None
    real = os.path.realpath(m.group(1))
    for path in (real, real.replace("/usr/lib/", "/lib/", 1), real.replace("/lib/", "/usr/lib/", 1)):
        r = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if r.returncode == 0:
            pkg = r.stdout.split(":")[0].strip()
            prio = subprocess.run(["dpkg-query", "-W", "-f=${Priority}", pkg], capture_output=True, text=True).stdout
            return pkg, prio
    return None, None


def check_dockerfile(source, vetahut):
    path = os.path.join(source, "deploy", "Dockerfile")
    text = open(path).read()
    stages = re.split(r"^FROM ", text, flags=re.M)[1:]
    check(len(stages) >= 2, "Dockerfile: not multi-stage")
    names = [re.match(r"\S+(?: AS (\S+))?", s).group(1) for s in stages]
    runtime = stages[-1]
    check(runtime.startswith("debian:12"), "Dockerfile: the runtime stage is not Debian 12")
    users = re.findall(r"^USER (\S+)", runtime, re.M)
    check(users and users[-1].split(":")[0] not in ("0", "root"), f"Dockerfile: the runtime runs as root ({users})")
    for stage in re.findall(r"COPY --from=(\S+)", text):
        check(stage in names, f"Dockerfile: COPY --from={stage}, a stage it does not have")
    copied = re.search(r"COPY --from=build \S+ (\S+)", runtime)
    entry = re.search(r'^ENTRYPOINT \["([^"]+)"', runtime, re.M)
    check(copied and entry and copied.group(1) == entry.group(1), "Dockerfile: the entrypoint is not the copied binary")
    install = re.search(r"apt-get install[^\n]*((?:\n[^\n]*\\?)*?)&& rm", runtime)
    packages = set(re.findall(r"\b[a-z0-9][a-z0-9.+-]+\b", install.group(1))) if install else set()
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                        subprocess.run(["readelf", "-d", vetahut], capture_output=True, text=True, check=True).stdout)
    missing = []
    for soname in needed:
        pkg, prio = package_of(soname)
        if pkg is None:
            missing.append(f"{soname} (no package found)")
        elif prio != "required" and pkg not in DEBIAN_BASE and pkg not in packages:
            missing.append(f"{soname} from {pkg}")
    check(not missing, f"Dockerfile: the runtime stage lacks packages for {missing}")
    ignore = open(os.path.join(source, ".dockerignore")).read().split()
    for entry_ in ("build", "web/node_modules", ".git"):
        check(entry_ in ignore, f".dockerignore: does not leave out {entry_}")
    if not missing:
        print(f"ok: Dockerfile stages {names}; the runtime's packages provide all {len(needed)} libraries the binary links")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vetahut", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()
    if not shutil.which("kubectl"):
        sys.exit("kubectl is not installed: scripts/install-deps.sh --test installs Debian's kubernetes-client")
    modules = modules_of(args.vetahut)
    graph = call_graph(read_modules(args.source))
    check_platform_needs(args.source)
    overlays_dir = os.path.join(args.source, "deploy", "k8s", "overlays")
    overlays = sorted(os.path.join(overlays_dir, d) for d in os.listdir(overlays_dir))
    check(overlays, "deploy/k8s/overlays: none")
    for overlay in overlays:
        check_overlay(overlay, args.vetahut, modules, graph, args.source)
    check_compose(args.source, args.vetahut, graph)
    check_dockerfile(args.source, args.vetahut)
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
