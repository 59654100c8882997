#!/usr/bin/env python3
"""deploy/: the image and the Kubernetes manifests hold together, checked without a cluster or a
container engine.

- every overlay under deploy/k8s/overlays renders with `kubectl kustomize`, and each workload in it
  has liveness and readiness probes, CPU and memory requests and limits, runs as non-root without
  privilege escalation, runs a `--target` this binary has, mounts only volumes it declares, and
  refers only to ConfigMaps and claims the render contains; each Service selects a workload and
  names one of its ports; each NetworkPolicy selects a workload;
- each workload starts for real: the binary runs with the container's arguments, environment and
  the rendered configuration file, and its probe paths answer 200;
- deploy/Dockerfile: the runtime stage runs as a non-root user, its entrypoint is the binary the
  build stage copies in, and its packages provide every shared library the binary links
  (readelf's NEEDED entries, resolved to Debian packages with dpkg).

Usage: deploy_k8s_test.py --vetahut build/ci/src/app/vetahut --source .
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

failures = []
# The C runtime every Debian image has (essential packages depend on it): never listed.
DEBIAN_BASE = {"libc6", "libgcc-s1"}


def check(ok, message):
    if not ok:
        failures.append(message)
    return ok


def modules_of(vetahut):
    """The modules `--target` accepts, from `vetahut serve --help` (generated from the build)."""
    out = subprocess.run([vetahut, "serve", "--help"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"all, one module \(([^)]*)\)", out)
    if not m:
        sys.exit("could not read the module list from `vetahut serve --help`:\n" + out)
    return {"all"} | {name.strip() for name in m.group(1).split(",")}


def render(overlay):
    r = subprocess.run(["kubectl", "kustomize", overlay], capture_output=True, text=True)
    if r.returncode != 0:
        failures.append(f"{overlay}: kubectl kustomize failed: {r.stderr.strip()}")
        return []
    return [d for d in yaml.safe_load_all(r.stdout) if d]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def check_workload(where, workload, objects, modules):
    spec = workload["spec"]["template"]["spec"]
    pod_security = spec.get("securityContext", {})
    declared = {v["name"]: v for v in spec.get("volumes", [])}
    config_maps = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ConfigMap"}
    claims = {o["metadata"]["name"] for o in objects if o["kind"] == "PersistentVolumeClaim"}
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


def run_workload(where, workload, objects, vetahut, tmp):
    """Starts the container's command with its environment and rendered config; its probes must answer."""
    spec = workload["spec"]["template"]["spec"]
    c = spec["containers"][0]
    config_maps = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ConfigMap"}
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    # Files of mounted ConfigMaps, written where the container would see them (under tmp).
    remap = {}
    for v in spec.get("volumes", []):
        if "configMap" in v and v["name"] in mounts:
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
    port = free_port()
    data = os.path.join(tmp, "data")
    os.makedirs(data, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETAHUT_")}
    for e in c.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"].replace("/var/lib/vetahut", data)
    env["VETAHUT_SERVER_LISTEN"] = f"127.0.0.1:{port}"
    env["VETAHUT_APP_DATA_DIR"] = data
    log = open(os.path.join(tmp, "vetahut.log"), "w")
    proc = subprocess.Popen([vetahut] + args, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        paths = list(dict.fromkeys(c[p]["httpGet"]["path"] for p in ("startupProbe", "livenessProbe", "readinessProbe") if p in c))
        deadline = time.time() + 60
        pending = list(paths)
        while pending and time.time() < deadline and proc.poll() is None:
            pending = [p for p in pending if get_status(f"http://127.0.0.1:{port}{p}") != 200]
            if pending:
                time.sleep(0.2)
        if not check(not pending, f"{where}: probes {pending} did not answer 200 (exit {proc.poll()})"):
            log.flush()
            print(open(os.path.join(tmp, "vetahut.log")).read()[-3000:], file=sys.stderr)
        else:
            print(f"ok: {where} started with its rendered arguments and config; {', '.join(paths)} answered 200")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            failures.append(f"{where}: did not stop within 20 s of SIGTERM")
        log.close()


def check_overlay(overlay, vetahut, modules):
    name = os.path.basename(overlay)
    objects = render(overlay)
    if not objects:
        return
    workloads = [o for o in objects if o["kind"] in ("Deployment", "StatefulSet")]
    check(workloads, f"{name}: no workload")
    for w in workloads:
        check_workload(f"{name}/{w['metadata']['name']}", w, objects, modules)
    for svc in (o for o in objects if o["kind"] == "Service"):
        sel = svc["spec"].get("selector", {})
        targets = [w for w in workloads if sel and sel.items() <= w["spec"]["template"]["metadata"]["labels"].items()]
        check(targets, f"{name}: Service {svc['metadata']['name']} selects no workload")
        for p in svc["spec"]["ports"]:
            tp = p.get("targetPort")
            if isinstance(tp, str):
                check(any(tp in {cp.get("name") for c in w["spec"]["template"]["spec"]["containers"] for cp in c.get("ports", [])}
                          for w in targets), f"{name}: Service {svc['metadata']['name']} targets port {tp} no pod has")
    for np in (o for o in objects if o["kind"] == "NetworkPolicy"):
        sel = np["spec"]["podSelector"].get("matchLabels", {})
        check(any(sel.items() <= w["spec"]["template"]["metadata"]["labels"].items() for w in workloads),
              f"{name}: NetworkPolicy {np['metadata']['name']} selects no workload")
    if not failures:
        print(f"ok: {name} renders {len(objects)} objects: {', '.join(sorted({o['kind'] for o in objects}))}")
    for w in workloads:
        tmp = tempfile.mkdtemp(prefix="vetahut-deploy-")
        try:
            run_workload(f"{name}/{w['metadata']['name']}", w, objects, vetahut, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


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
    overlays_dir = os.path.join(args.source, "deploy", "k8s", "overlays")
    overlays = sorted(os.path.join(overlays_dir, d) for d in os.listdir(overlays_dir))
    check(overlays, "deploy/k8s/overlays: none")
    for overlay in overlays:
        check_overlay(overlay, args.vetahut, modules)
    check_dockerfile(args.source, args.vetahut)
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
