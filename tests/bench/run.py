#!/usr/bin/env python3
"""make bench: orgtop's benchmark report (issue 6, sections 1 and 2).

Everything runs on this machine in one go, against awsim (the local AWS)
answering every request 30 ms late (a cross-region round trip), with every
list paginated at AWS's own maximum page sizes:

  - a full `orgtop --once --format json` refresh of organizations of 100,
    1,000 and 5,000 accounts x 17 regions: wall time, requests sent and
    connections opened (awsim's counters), the lower bound for that work and
    the ratio to it, CPU per request, peak RSS, and whether the document
    agrees with awsim's ground truth;
  - the boto3 peer (peer_boto3.py: the same calls, the same organization)
    at its best thread pool, and the ratios orgtop / peer;
  - --mode org at 5,000 accounts (once the collector has it);
  - the dashboard: one full frame of a 10,000-account grid (bench_frame),
    peak RSS at 10,000 accounts x 25 regions, key-to-screen latency during
    a 1,000-account refresh and CPU while idle (the real binary in tmux).

It prints one table (each figure, its target from issue 6, met or missed),
the formulas behind it, the date, the machine and the versions, and writes
the same as Markdown to BUILD/bench/report.md (for README) and every raw
figure to BUILD/bench/results.json. It is a report: it exits 0 whatever
the figures are, and 1 only when something crashed (it says what).

    python3 tests/bench/run.py [--build build] [--quick] [--sizes 100,1000,5000]

--quick: 100 accounts, no pool sweep, shorter dashboard checks (< 1 min on
an idle machine); make test runs it (test_bench_quick.py) so the harness
does not rot.
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

LATENCY_MS = 30
CONCURRENCY = 64
HOSTS = 1  # awsim is one endpoint for every service and region
REGIONS17 = ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
             "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1",
             "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1",
             "us-east-2", "us-west-1", "us-west-2"]
ORG_PAGE = 20    # Organizations' MaxResults maximum
SSO_PAGE = 100   # Identity Center's MaxResults maximum
POOLS = [8, 16, 32, 64, 128]

T0 = time.monotonic()


def log(msg):
    print("bench: [%4.0f s] %s" % (time.monotonic() - T0, msg), file=sys.stderr, flush=True)


# ------------------------------------------------------------------ the machine

def sh(argv, default=""):
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=30).stdout.decode("utf-8", "replace").strip()
    except (OSError, subprocess.SubprocessError):
        return default


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            ram = "%.1f GiB" % (kb / 1048576)
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram": ram,
            "kernel": platform.system() + " " + platform.release(),
            "os": sh(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]) or "?",
            "load": "%.2f %.2f %.2f" % os.getloadavg()}


def versions(build):
    v = {"orgtop": sh([os.path.join(build, "orgtop"), "-V"]) or "?"}
    rev = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    if rev:
        dirty = sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
        v["commit"] = rev + ("+dirty" if dirty else "")
    v["cc"] = (sh(["cc", "--version"]).splitlines() or ["?"])[0]
    for lib in ("libcurl", "libuv", "ncursesw", "libcjson", "openssl"):
        v[lib] = sh(["pkg-config", "--modversion", lib]) or "?"
    v["python"] = platform.python_version()
    try:
        import boto3
        import botocore
        v["boto3"] = boto3.__version__
        v["botocore"] = botocore.__version__
    except ImportError:
        v["boto3"] = v["botocore"] = "missing"
    v["tmux"] = sh(["tmux", "-V"]) or "missing"
    return v


# --------------------------------------------------------------- processes

class Crashed(Exception):
    pass


def run_measured(rusage, argv, env, timeout, out_path, err_path):
    """Runs argv to completion under bench_rusage: wall seconds, user+sys CPU and
    peak RSS of that process alone, and its exit code (negative: killed by that
    signal). bench_rusage forks it from a small process: a child of this Python
    process would carry the harness's own RSS in ru_maxrss."""
    res_path = out_path + ".rusage"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        p = subprocess.Popen([rusage, res_path, "--"] + list(argv), env=env,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                             start_new_session=True)
        try:
            p.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    try:
        with open(res_path, encoding="utf-8") as f:
            ru = json.load(f)
    except (OSError, ValueError):
        ru = {"wall_s": 0.0, "user_s": 0.0, "sys_s": 0.0, "maxrss_kb": 0, "exit": -1,
              "signal": signal.SIGKILL if timed_out else 0}
    rc = -ru["signal"] if ru["signal"] else ru["exit"]
    return {"wall": ru["wall_s"], "cpu": ru["user_s"] + ru["sys_s"], "user": ru["user_s"],
            "sys": ru["sys_s"], "rss_kb": ru["maxrss_kb"], "rc": rc, "timed_out": timed_out}


def tail(path, n=1500):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")[-n:]
    except OSError:
        return ""


def aws_requests(stats):
    """Requests to AWS's APIs, by operation (awsim's "requests" adds the credential
    endpoints, IMDS and the container one)."""
    return sum((stats or {}).get("by_operation", {}).values())


def clean_env(sim, tmp):
    """awsim's exports, no ~/.aws, a UTF-8 locale, empty config and cache homes."""
    env = sim.env()
    env.pop("AWS_PROFILE", None)
    env["LANG"] = env["LC_ALL"] = "C.UTF-8"
    env["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cfg-", dir=tmp)
    env["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="cache-", dir=tmp)
    return env


# ------------------------------------------------------------ the lower bound

def lower_bound(truth, stats, latency_s, concurrency):
    """The least time this work can take at this concurrency (issue 6):
    max(requests x latency / concurrency, longest chain of dependent requests x latency).
    Chains, from the organization's shape and AWS's page sizes:
      org:  GetCallerIdentity -> DescribeOrganization -> ListRoots -> ListOrganizationalUnitsForParent
            per level down to the OU (its pages up to the child) -> ListAccountsForParent to its
            last page -> AssumeRole -> ListRegions -> ListDetectors -> GetFindingsStatistics
            (or GetComplianceSummaryByConfigRule -> DescribeConfigRules); the longest such path;
      sso:  GetCallerIdentity -> ListInstances -> ListPermissionSets (every page) ->
            ListAccountsForProvisionedPermissionSet (pages of the widest set) ->
            ListAccountAssignments -> DescribeUser/DescribeGroup;
      ce:   GetCallerIdentity -> GetCostAndUsage (every page: one chain of tokens)."""
    ops = stats.get("by_operation", {})
    ous = {o["id"]: o for o in truth["ous"]}
    kids = {}
    for o in truth["ous"]:
        if o.get("parent"):
            kids[o["parent"]] = kids.get(o["parent"], 0) + 1
    per_ou, reach = {}, {}
    for a in truth["accounts"]:
        per_ou[a["ou_id"]] = per_ou.get(a["ou_id"], 0) + 1
        if a["status"] == "ACTIVE" and a["access"]["state"] == "ok":
            reach[a["ou_id"]] = True
    org = (0, "")
    for oid, n in per_ou.items():
        if oid not in reach or oid not in ous:
            continue
        levels, p = 0, ous[oid].get("parent")
        while p is not None and p in ous:
            levels += math.ceil(kids.get(p, 1) / ORG_PAGE)
            p = ous[p].get("parent")
        pages = math.ceil(n / ORG_PAGE)
        length = 3 + levels + pages + 4
        if length > org[0]:
            org = (length, "%s: 3 + %d OU listing(s) + %d ListAccountsForParent pages "
                   "(%d accounts) + AssumeRole, ListRegions, 2 per cell" % (
                       ous[oid]["path"], levels, pages, n))
    widest = {}
    for a in truth["accounts"]:
        for ps in {x["permission_set"] for x in (a.get("sso") or {}).get("assignments", [])}:
            widest[ps] = widest.get(ps, 0) + 1
    sso = (0, "")
    if widest:
        ps_pages = max(1, ops.get("sso-admin:ListPermissionSets", 1))
        acct_pages = math.ceil(max(widest.values()) / SSO_PAGE)
        sso = (1 + 1 + ps_pages + acct_pages + 2,
               "1 + ListInstances + %d ListPermissionSets page(s) + %d "
               "ListAccountsForProvisionedPermissionSet pages + ListAccountAssignments + "
               "DescribeUser" % (ps_pages, acct_pages))
    ce_pages = ops.get("ce:GetCostAndUsage", 0)
    ce = (1 + ce_pages, "1 + %d GetCostAndUsage pages" % ce_pages)
    chain = max((org, "org"), (sso, "sso"), (ce, "ce"), key=lambda x: x[0][0])
    requests = aws_requests(stats)
    thr = requests * latency_s / concurrency
    return {"requests": requests, "throughput_s": thr,
            "chain": chain[0][0], "chain_s": chain[0][0] * latency_s, "chain_kind": chain[1],
            "chain_what": chain[0][1], "org_chain": org[0], "sso_chain": sso[0],
            "ce_chain": ce[0], "ce_pages": ce_pages,
            "sso_calls": sum(v for k, v in ops.items()
                             if k.startswith(("sso-admin:", "identitystore:"))),
            "lb": max(thr, chain[0][0] * latency_s)}


# -------------------------------------------------------------- the runs

class Bench:
    def __init__(self, args):
        self.a = args
        self.build = os.path.abspath(args.build)
        self.orgtop = os.path.join(self.build, "orgtop")
        self.awsim = os.path.join(self.build, "awsim")
        self.frame_bin = os.path.join(self.build, "bench", "bench_frame")
        self.rusage = os.path.join(self.build, "bench", "bench_rusage")
        self.out = os.path.abspath(args.out or os.path.join(self.build, "bench"))
        os.makedirs(self.out, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix="orgtop-bench-")
        self.res = {"scale": {}, "peer": {}, "sweep": {}, "crashes": [], "skipped": {}}
        self.quick = args.quick

    def crash(self, what):
        log("CRASH: " + what)
        self.res["crashes"].append(what)

    def awsim_start(self, *extra):
        from awsim import Awsim
        args = ["--latency", str(self.a.latency), "--page-size", "0", "--threads", "2"]
        return Awsim(*(args + list(extra)), binary=self.awsim, timeout=60).start()

    def awsim_stop(self, sim, what):
        from awsim import AwsimError
        try:
            sim.stop(check=True)
        except AwsimError as e:
            self.crash("awsim (%s): %s" % (what, str(e)[:600]))

    def orgtop_once(self, sim, label, extra=(), regions=REGIONS17, timeout=1800):
        argv = [self.orgtop, "--once", "--format", "json", "--no-cache",
                "--concurrency", str(CONCURRENCY)] + list(extra)
        if regions:
            argv += ["-r", ",".join(regions)]
        out = os.path.join(self.tmp, label + ".json")
        err = os.path.join(self.tmp, label + ".err")
        sim.reset_stats()
        r = run_measured(self.rusage, argv, clean_env(sim, self.tmp), timeout, out, err)
        r["stats"] = sim.stats()
        r["stderr"] = tail(err, 800)
        r["doc"] = None
        if r["rc"] < 0 or r["rc"] not in (0, 1) or r["timed_out"]:
            self.crash("orgtop --once (%s) exited %s%s: %s" % (
                label, r["rc"], " (timed out)" if r["timed_out"] else "", tail(err)))
            return r
        try:
            with open(out, encoding="utf-8") as f:
                r["doc"] = json.load(f)
        except (OSError, ValueError) as e:
            self.crash("orgtop --once (%s) printed no JSON document: %s" % (label, e))
        return r

    def peer(self, sim, label, pool, regions=REGIONS17, timeout=7200):
        argv = [sys.executable, os.path.join(HERE, "peer_boto3.py"), "--pool", str(pool)]
        if regions:
            argv += ["-r", ",".join(regions)]
        out = os.path.join(self.tmp, label + ".json")
        err = os.path.join(self.tmp, label + ".err")
        sim.reset_stats()
        env = sim.env()
        env["AWS_MAX_ATTEMPTS"] = "3"
        r = run_measured(self.rusage, argv, env, timeout, out, err)
        r["stats"] = sim.stats()
        r["doc"] = None
        if r["rc"] not in (0, 1) or r["timed_out"]:
            self.crash("peer_boto3 (%s, pool %d) exited %s: %s" % (label, pool, r["rc"],
                                                                   tail(err)))
            return r
        try:
            with open(out, encoding="utf-8") as f:
                r["doc"] = json.load(f)
        except (OSError, ValueError) as e:
            self.crash("peer_boto3 (%s) printed no JSON document: %s" % (label, e))
        return r

    @staticmethod
    def diffs(doc, truth):
        if doc is None:
            return None
        from test_once_lib import compare
        return compare(doc, truth)

    @staticmethod
    def slim(r):
        """A run's figures without its document."""
        s = {k: v for k, v in r.items() if k not in ("doc", "stats")}
        st = r.get("stats") or {}
        s["requests"] = aws_requests(st) if st else None
        s["connections"] = st.get("connections")
        s["by_operation"] = st.get("by_operation")
        return s

    # -- organizations of N accounts x 17 regions ------------------------------------
    def scale(self, n, peer_pools):
        log("%d accounts x 17 regions: awsim, truth" % n)
        sim = self.awsim_start("--accounts", str(n))
        try:
            truth = sim.truth(regions=",".join(REGIONS17))
            log("%d accounts: orgtop --once" % n)
            # every account asked, like the peer (--mode org has its own row)
            r = self.orgtop_once(sim, "orgtop-%d" % n, extra=("--mode", "accounts"))
            row = self.slim(r)
            if r["doc"] is not None:
                d = self.diffs(r["doc"], truth)
                row["diffs"] = len(d)
                row["diff_sample"] = d[:5]
                row["lb"] = lower_bound(truth, r["stats"], self.a.latency / 1000.0,
                                        CONCURRENCY)
            self.res["scale"][n] = row
            for pool in peer_pools:
                log("%d accounts: peer_boto3 --pool %d" % (n, pool))
                p = self.peer(sim, "peer-%d-%d" % (n, pool), pool)
                prow = self.slim(p)
                prow["pool"] = pool
                if p["doc"] is not None:
                    d = self.diffs(p["doc"], truth)
                    prow["diffs"] = len(d)
                    prow["diff_sample"] = d[:5]
                self.res["sweep"].setdefault(n, {})[pool] = prow
                log("  pool %d: %.1f s" % (pool, p["wall"]))
        finally:
            self.awsim_stop(sim, "%d accounts" % n)

    def org_mode(self, n):
        n = 30 if self.quick else n
        log("%d accounts: orgtop --once --mode org" % n)
        sim = self.awsim_start("--accounts", str(n))
        try:
            r = self.orgtop_once(sim, "orgtop-org-%d" % n, extra=("--mode", "org"))
            row = self.slim(r)
            ops = (r["stats"] or {}).get("by_operation", {})
            agg = [k for k in ops if "Aggregat" in k or k == "guardduty:ListMembers"]
            row["aggregator_ops"] = agg
            row["per_account_cells"] = ops.get("config:GetComplianceSummaryByConfigRule", 0)
            row["accounts"] = n
            if not agg or "not available" in r.get("stderr", ""):
                why = "--mode org is not implemented yet"
                m = re.search(r"orgtop: ([^\n]*mode org[^\n]*)", r.get("stderr", ""))
                if m:
                    why += " (orgtop: %s)" % m.group(1).strip()
                row["skipped"] = why
            self.res["org_mode"] = row
        finally:
            self.awsim_stop(sim, "org mode")

    def frame(self):
        frames = "50" if self.quick else "500"
        log("bench_frame: 10,000 accounts x 25 regions, 240x60, %s frames" % frames)
        p = subprocess.run([self.frame_bin, "--accounts", "10000", "--regions", "25",
                            "--cols", "240", "--rows", "60", "--frames", frames],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        if p.returncode != 0:
            self.crash("bench_frame exited %d: %s" % (p.returncode,
                                                      p.stderr.decode("utf-8", "replace")))
            return
        try:
            self.res["frame"] = json.loads(p.stdout.decode())
        except ValueError:
            self.crash("bench_frame printed no JSON: %r" % p.stdout[:200])

    def big_rss(self):
        n = 30 if self.quick else 10000
        log("peak RSS: %d accounts x every enabled region (25), no latency" % n)
        # No latency: the peak RSS is what is measured here, not the wall time; Cost
        # Explorer's pages are made larger so its 1 request/s pacing does not set the time.
        from awsim import Awsim
        sim = Awsim("--accounts", str(n), "--latency", "0", "--page-size", "0",
                    "--ce-page-size", "20000", "--threads", "2", binary=self.awsim,
                    timeout=60).start()
        try:
            r = self.orgtop_once(sim, "orgtop-big-%d" % n, regions=None)
            row = self.slim(r)
            row["accounts"] = n
            if r["doc"] is not None:
                row["regions"] = len(r["doc"].get("regions", []))
                row["naccounts"] = len(r["doc"].get("accounts", []))
            self.res["big"] = row
        finally:
            self.awsim_stop(sim, "big")

    # -- the dashboard in tmux ----------------------------------------------------
    def dashboard(self):
        n = 30 if self.quick else 1000
        nkeys = 20 if self.quick else 100
        idle_s = 5 if self.quick else self.a.idle_seconds
        if shutil.which("tmux") is None:
            self.res["skipped"]["tui"] = "tmux is not installed"
            return
        sim = self.awsim_start("--accounts", str(n))
        t = None
        try:
            t = Tmux(200, 60, self.tmp)
            env = clean_env(sim, self.tmp)
            t.start([self.orgtop, "--no-cache", "-r", ",".join(REGIONS17)], env)
            why = t.wait_dashboard(sim)
            if why:
                self.res["skipped"]["tui"] = why
                return
            log("key-to-screen: %d keys during a %d-account refresh" % (nkeys, n))
            self.res["keys"] = t.key_latency(sim, nkeys)
            self.res["keys"]["accounts"] = n
            log("idle CPU: waiting for the refresh to end")
            self.res["idle"] = t.idle_cpu(sim, idle_s)
        finally:
            if t is not None:
                rc = t.stop()
                if rc is not None and rc < 0 and rc != -signal.SIGTERM:
                    self.crash("the dashboard died with signal %d" % -rc)
            self.awsim_stop(sim, "dashboard")


# ------------------------------------------------------------------ tmux

class Tmux:
    """The real binary in a private tmux server (its own socket), read back with
    capture-pane."""

    def __init__(self, cols, rows, tmp):
        self.cols, self.rows = cols, rows
        self.sock = os.path.join(tmp, "tmux.sock")
        self.pid = None

    def tmux(self, *args, check=True):
        p = subprocess.run(["tmux", "-S", self.sock] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        if check and p.returncode != 0:
            raise RuntimeError("tmux %s: %s" % (args[0], p.stderr.decode().strip()))
        return p.stdout.decode("utf-8", "replace")

    def start(self, argv, env):
        # The new server takes its environment from this first command: the keys
        # reach the program without passing through anyone's argv.
        env = dict(env, TERM="xterm-256color")
        env.pop("TMUX", None)
        p = subprocess.run(["tmux", "-S", self.sock, "-f", "/dev/null", "new-session", "-d",
                            "-s", "bench", "-x", str(self.cols), "-y", str(self.rows), "--"] +
                           list(argv), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        if p.returncode != 0:
            raise RuntimeError("tmux new-session: %s" % p.stderr.decode().strip())
        self.tmux("set-option", "-t", "bench", "remain-on-exit", "on")
        self.pid = int(self.tmux("display-message", "-p", "-t", "bench", "#{pane_pid}"))

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "bench", check=False)

    def dead(self):
        out = self.tmux("display-message", "-p", "-t", "bench", "#{pane_dead} #{pane_dead_status}",
                        check=False).split()
        return out[1] if out and out[0] == "1" else None

    def keys(self, *k):
        self.tmux("send-keys", "-t", "bench", *k)

    def wait_dashboard(self, sim, timeout=60):
        """None once the grid shows accounts, else why the dashboard can't be measured."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            s = self.screen()
            status = self.dead()
            if status is not None:
                said = " ".join(line.strip() for line in s.splitlines() if line.strip())
                return "the dashboard is not wired into orgtop yet (it exited %s: %s)" % (
                    status, said[:200])
            if re.search(r"\b\d{12}\b", s):
                return None
            time.sleep(0.1)
        return "the dashboard showed no account in %d s" % timeout

    @staticmethod
    def selected(screen):
        """(line index, name column) of the row with the selection marker, or None.
        Only the name and id part: the cells of that row change as answers arrive."""
        for i, line in enumerate(screen.splitlines()[2:], 2):
            if line[:2].strip() in ("\u203a", ">"):
                return i, re.split(r"\s{2,}\S{1,3}\s", line, 1)[0][:48]
        return None

    def key_latency(self, sim, nkeys):
        # Wait until the walk has listed the organization (rows stop being inserted).
        time.sleep(1.0)
        req0 = aws_requests(sim.stats())
        t_start = time.monotonic()
        lat, polls, misses = [], [], 0
        for i in range(nkeys):
            before = self.selected(self.screen())
            key = "j" if (i // 10) % 2 == 0 else "k"
            t0 = time.monotonic()
            self.keys(key)
            while True:
                s = self.screen()
                polls.append(1)
                now = time.monotonic()
                sel = self.selected(s)
                if sel is not None and (before is None or sel != before):
                    lat.append((now - t0) * 1000)
                    break
                if now - t0 > 2.0:
                    misses += 1
                    break
        dt = time.monotonic() - t_start
        req1 = aws_requests(sim.stats())
        lat.sort()
        r = {"keys": nkeys, "answered": len(lat), "misses": misses,
             "refresh_req_per_s": (req1 - req0) / dt if dt > 0 else 0}
        if lat:
            r["p50_ms"] = statistics.median(lat)
            r["p99_ms"] = lat[min(len(lat) - 1, int(math.ceil(0.99 * len(lat))) - 1)]
            r["max_ms"] = lat[-1]
        # How long one capture-pane takes: the resolution of this measurement.
        t0 = time.monotonic()
        for _ in range(10):
            self.screen()
        r["poll_ms"] = (time.monotonic() - t0) * 100
        return r

    def cpu_ticks(self):
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)

    def wakeups(self):
        n = 0
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    n += int(line.split()[1])
        return n

    def idle_cpu(self, sim, seconds, timeout=600):
        """Waits until no request has been sent for 3 s (the refresh is over), then
        measures CPU and wake-ups over seconds."""
        t0 = time.monotonic()
        last, since = -1, time.monotonic()
        while time.monotonic() - t0 < timeout:
            n = aws_requests(sim.stats())
            if n != last:
                last, since = n, time.monotonic()
            elif time.monotonic() - since >= 3:
                break
            time.sleep(0.5)
        refresh_s = time.monotonic() - t0
        hz = os.sysconf("SC_CLK_TCK")
        c0, w0, t1 = self.cpu_ticks(), self.wakeups(), time.monotonic()
        time.sleep(seconds)
        c1, w1, t2 = self.cpu_ticks(), self.wakeups(), time.monotonic()
        return {"seconds": t2 - t1, "cpu_s": (c1 - c0) / hz,
                "cpu_pct": (c1 - c0) / hz / (t2 - t1) * 100,
                "wakeups_per_s": (w1 - w0) / (t2 - t1), "waited_refresh_s": refresh_s,
                "requests_during": aws_requests(sim.stats()) - last}

    def stop(self):
        status = self.dead()
        self.tmux("kill-server", check=False)
        if status is not None:
            try:
                return int(status)
            except ValueError:
                return None
        return None


# ------------------------------------------------------------------ the table

def fmt_s(x):
    return "%.2f s" % x if x < 100 else "%.0f s" % x


def fmt_n(x):
    return "{:,}".format(int(x))


class Table:
    def __init__(self):
        self.rows = []
        self.notes = []

    def add(self, rid, figure, value, target="", verdict="", note=None):
        self.rows.append({"id": rid, "figure": figure, "value": value, "target": target,
                          "verdict": verdict})
        if note:
            self.notes.append(note)

    def text(self):
        heads = ("figure", "value", "target", "")
        w = [max(len(h), *(len(r[k]) for r in self.rows)) for h, k in
             zip(heads, ("figure", "value", "target", "verdict"))]
        line = "  ".join("%-*s" % (w[i], heads[i]) for i in range(4)).rstrip()
        out = [line, "  ".join("-" * x for x in w)]
        for r in self.rows:
            out.append("  ".join("%-*s" % (w[i], r[k]) for i, k in
                                 enumerate(("figure", "value", "target", "verdict"))).rstrip())
        return "\n".join(out)

    def markdown(self):
        out = ["| figure | value | target | |", "|---|---|---|---|"]
        for r in self.rows:
            out.append("| %s | %s | %s | %s |" % tuple(
                r[k].replace("|", "\\|") for k in ("figure", "value", "target", "verdict")))
        return "\n".join(out)


def verdict(ok):
    return "met" if ok else "MISSED"


def build_table(res, quick, latency):
    t = Table()
    scale, sweep = res["scale"], res["sweep"]
    sizes = sorted(scale)
    peer_best = res.get("peer_best")
    for n in sizes:
        s = scale[n]
        tag = "%s x 17" % fmt_n(n)
        lb = s.get("lb")
        t.add("wall_%d" % n, "wall, full refresh (--mode accounts), %s" % tag, fmt_s(s["wall"]))
        t.add("requests_%d" % n, "requests sent, %s" % tag,
              fmt_n(s["requests"]) if s.get("requests") is not None else "?")
        cap = CONCURRENCY * HOSTS
        conn = s.get("connections")
        t.add("connections_%d" % n, "connections opened (awsim), %s" % tag,
              fmt_n(conn) if conn is not None else "?",
              "<= %d (%d per host x %d host)" % (cap, CONCURRENCY, HOSTS),
              verdict(conn is not None and conn <= cap))
        if lb:
            t.add("lower_bound_%d" % n, "lower bound, %s" % tag,
                  "%s (%s)" % (fmt_s(lb["lb"]), "requests" if lb["throughput_s"] >= lb["chain_s"]
                               else "chain: " + lb["chain_kind"]))
            ratio = s["wall"] / lb["lb"] if lb["lb"] > 0 else float("inf")
            if n == 1000:
                t.add("ratio_%d" % n, "wall / lower bound, %s" % tag, "%.2f" % ratio,
                      "<= 1.25", verdict(ratio <= 1.25))
            else:
                t.add("ratio_%d" % n, "wall / lower bound, %s" % tag, "%.2f" % ratio)
        else:
            t.add("lower_bound_%d" % n, "lower bound, %s" % tag, "? (no document)")
            t.add("ratio_%d" % n, "wall / lower bound, %s" % tag, "?")
        if s.get("requests"):
            t.add("cpu_req_%d" % n, "CPU per request (user+sys), %s" % tag,
                  "%.0f us" % (s["cpu"] / s["requests"] * 1e6))
        else:
            t.add("cpu_req_%d" % n, "CPU per request (user+sys), %s" % tag, "?")
        rss = s["rss_kb"] / 1024
        if n == 5000:
            t.add("rss_%d" % n, "peak RSS, %s" % tag, "%.1f MB" % rss, "<= 40 MB",
                  verdict(rss <= 40))
        else:
            t.add("rss_%d" % n, "peak RSS, %s" % tag, "%.1f MB" % rss)
        d = s.get("diffs")
        t.add("truth_%d" % n, "cells differing from awsim's truth, %s" % tag,
              "?" if d is None else fmt_n(d), "0", verdict(d == 0))
        p = (sweep.get(n) or {}).get(peer_best) if peer_best else None
        if p is None and sweep.get(n):
            p = min(sweep[n].values(), key=lambda x: x["wall"])
        if p is not None and p.get("requests"):
            t.add("peer_wall_%d" % n, "peer (boto3, pool %d): wall, %s" % (p["pool"], tag),
                  fmt_s(p["wall"]))
            t.add("peer_cpu_req_%d" % n, "peer: CPU per request, %s" % tag,
                  "%.0f us (%s requests, %s connections)" % (
                      p["cpu"] / p["requests"] * 1e6, fmt_n(p["requests"]),
                      fmt_n(p["connections"] or 0)))
            sp = p["wall"] / s["wall"]
            t.add("speedup_%d" % n, "peer wall / orgtop wall, %s" % tag, "%.1fx" % sp,
                  ">= 10x", verdict(sp >= 10))
            if s.get("requests"):
                cr = (p["cpu"] / p["requests"]) / (s["cpu"] / s["requests"])
                t.add("cpu_ratio_%d" % n, "peer / orgtop CPU per request, %s" % tag,
                      "%.0fx" % cr, ">= 20x", verdict(cr >= 20))
            else:
                t.add("cpu_ratio_%d" % n, "peer / orgtop CPU per request, %s" % tag, "?")
            pd = p.get("diffs")
            t.add("peer_truth_%d" % n, "peer: cells differing from the truth, %s" % tag,
                  "?" if pd is None else fmt_n(pd))
        else:
            for rid, fig in (("peer_wall", "peer: wall"), ("peer_cpu_req",
                             "peer: CPU per request"), ("speedup", "peer wall / orgtop wall"),
                             ("cpu_ratio", "peer / orgtop CPU per request"),
                             ("peer_truth", "peer: cells differing from the truth")):
                t.add("%s_%d" % (rid, n), "%s, %s" % (fig, tag), "not measured")
    # growth
    if all(k in scale and scale[k].get("requests") for k in (100, 1000, 5000)):
        per = {k: scale[k]["wall"] / scale[k]["requests"] for k in (100, 1000, 5000)}
        g = per[5000] / min(per[100], per[1000])
        t.add("growth", "wall per request at 5,000 vs 100 / 1,000 accounts",
              "%.2fx (wall x%.1f for requests x%.1f from 100)" % (
                  g, scale[5000]["wall"] / scale[100]["wall"],
                  scale[5000]["requests"] / scale[100]["requests"]),
              "near-linear (<= 1.25x)", verdict(g <= 1.25))
    else:
        t.add("growth", "growth from 100 to 5,000 accounts", "not measured (--quick)"
              if quick else "not measured")
    # the sweep
    sw = res.get("sweep_at")
    if sw is not None and sweep.get(sw) and len(sweep[sw]) > 1:
        t.add("peer_sweep", "peer pool sweep at %s accounts (wall)" % fmt_n(sw),
              ", ".join("%d: %s" % (k, fmt_s(v["wall"])) for k, v in sorted(sweep[sw].items())),
              "best: %d" % peer_best if peer_best else "")
    else:
        t.add("peer_sweep", "peer pool sweep", "not run (--quick: pool %s)" % peer_best
              if quick else "not run")
    # org mode
    om = res.get("org_mode")
    if om is None:
        t.add("org_mode", "--mode org, 5,000 x 17", "not measured", "<= 10 s")
    elif om.get("skipped"):
        t.add("org_mode", "--mode org, %s x 17" % fmt_n(om["accounts"]),
              "skipped: %s" % om["skipped"], "<= 10 s at 5,000", "n/a")
    else:
        ok = om["accounts"] == 5000 and om["wall"] <= 10
        t.add("org_mode", "--mode org, %s x 17" % fmt_n(om["accounts"]),
              "%s (%s requests)" % (fmt_s(om["wall"]), fmt_n(om["requests"] or 0)),
              "<= 10 s at 5,000", verdict(ok) if om["accounts"] == 5000 else "")
    # the dashboard
    f = res.get("frame")
    if f:
        t.add("frame", "one full frame, 10,000 accounts x 25 regions, 240x60",
              "%.2f ms median, %.2f ms p99 (CPU %.2f / %.2f ms)" % (
                  f["median_ms"], f["p99_ms"], f["cpu_median_ms"], f["cpu_p99_ms"]),
              "<= 2 ms (CPU median)", verdict(f["cpu_median_ms"] <= 2))
    else:
        t.add("frame", "one full frame, 10,000 accounts x 25 regions", "?", "<= 2 ms")
    b = res.get("big")
    if b:
        label = "%s x %s" % (fmt_n(b["accounts"]), b.get("regions", "?"))
        if b["accounts"] == 10000:
            t.add("rss_big", "peak RSS, %s (orgtop --once)" % label,
                  "%.1f MB" % (b["rss_kb"] / 1024), "<= 100 MB",
                  verdict(b["rss_kb"] / 1024 <= 100))
        else:
            t.add("rss_big", "peak RSS, %s (orgtop --once)" % label,
                  "%.1f MB" % (b["rss_kb"] / 1024), "<= 100 MB at 10,000 x 25")
    else:
        t.add("rss_big", "peak RSS, 10,000 x 25", "?", "<= 100 MB")
    k = res.get("keys")
    why = res["skipped"].get("tui")
    if k and k.get("answered"):
        t.add("keys", "key-to-screen during a %s-account refresh" % fmt_n(k["accounts"]),
              "%.1f ms p50, %.1f ms p99 (%d keys)" % (k["p50_ms"], k["p99_ms"], k["answered"]),
              "<= 50 ms p99", verdict(k["p99_ms"] <= 50 and k["misses"] == 0))
    else:
        t.add("keys", "key-to-screen during a refresh",
              "skipped: %s" % (why or "no key was answered"), "<= 50 ms p99", "n/a")
    i = res.get("idle")
    if i:
        t.add("idle", "CPU while idle (dashboard, %.0f s)" % i["seconds"],
              "%.3f%% (%.1f wake-ups/s)" % (i["cpu_pct"], i["wakeups_per_s"]), "< 0.1%",
              verdict(i["cpu_pct"] < 0.1))
    else:
        t.add("idle", "CPU while idle", "skipped: %s" % (why or "?"), "< 0.1%", "n/a")
    return t


def notes(res, latency):
    out = []
    out.append("Lower bound = max(requests x %d ms / %d in flight, longest chain of dependent "
               "requests x %d ms). Chains come from the organization's shape and AWS's page "
               "sizes (Organizations 20, Identity Center 100, Cost Explorer as awsim pages it): "
               "org = GetCallerIdentity, DescribeOrganization, ListRoots, one "
               "ListOrganizationalUnitsForParent per level down to the OU, "
               "ListAccountsForParent to its last page, then AssumeRole, ListRegions and the "
               "two calls of a cell (ListDetectors -> GetFindingsStatistics); sso = "
               "GetCallerIdentity, ListInstances, ListPermissionSets pages, the widest "
               "permission set's ListAccountsForProvisionedPermissionSet pages, "
               "ListAccountAssignments, DescribeUser; ce = GetCallerIdentity and every "
               "GetCostAndUsage page." % (latency, CONCURRENCY, latency))
    for n, s in sorted(res["scale"].items()):
        lb = s.get("lb")
        if not lb:
            continue
        out.append("%s accounts: %s requests x %d ms / %d = %s; chains: org %d, sso %d, "
                   "ce %d requests (longest: %s) = %s; Cost Explorer %d pages "
                   "(orgtop paces it at 1 request/s: >= %d s); Identity Center %s calls "
                   "(8 in flight: >= %s)." % (
                       fmt_n(n), fmt_n(lb["requests"]), latency, CONCURRENCY,
                       fmt_s(lb["throughput_s"]), lb["org_chain"], lb["sso_chain"],
                       lb["ce_chain"], lb["chain_what"], fmt_s(lb["chain_s"]), lb["ce_pages"],
                       max(0, lb["ce_pages"] - 1), fmt_n(lb["sso_calls"]),
                       fmt_s(lb["sso_calls"] * latency / 1000.0 / 8)))
    out.append("Connections: awsim's count of the connections that carried a request to AWS "
               "(the bench's own stats calls are left out); the target is the "
               "per-host cap (orgtop sets --concurrency as the per-host cap) x 1 host. "
               "orgtop does not report its own count.")
    out.append("CPU and peak RSS are each process's own (wait4 rusage, taken by bench_rusage). "
               "The peer is "
               "tests/bench/peer_boto3.py (boto3 clients, standard retry mode, a "
               "ThreadPoolExecutor; the same calls and the same JSON), at its best pool "
               "size from the sweep.")
    b = res.get("big")
    if b:
        out.append("Peak RSS at %s accounts: awsim without latency and with 20,000-group Cost "
                   "Explorer pages (the figure is memory, not time: %s, %s requests)." % (
                       fmt_n(b["accounts"]), fmt_s(b["wall"]), fmt_n(b["requests"] or 0)))
    f = res.get("frame")
    if f:
        out.append("Frame: bench_frame draws the grid with the TUI's code into newterm() on "
                   "/dev/null (ui_draw + doupdate, every window and the whole terminal "
                   "repainted, the cursor one row down each time); %d frames; first frame "
                   "(row build) %.1f ms; median split: drawing %.2f ms, doupdate %.2f ms. "
                   "Judged on the CPU time of the median frame: the wall time adds preemption on a "
                   "shared machine." % (
                       f["frames"], f["first_ms"], f["draw_ms"], f["update_ms"]))
    k = res.get("keys")
    if k and k.get("answered"):
        out.append("Keys: tmux send-keys, then capture-pane polled until the selection "
                   "marker moved (one poll takes %.1f ms: the resolution); awsim served %.0f "
                   "requests/s meanwhile (the refresh was under way)." % (
                       k["poll_ms"], k["refresh_req_per_s"]))
    return out


def main():
    ap = argparse.ArgumentParser(description="orgtop's benchmark report (issue 6)")
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", help="where report.md and results.json go (default BUILD/bench)")
    ap.add_argument("--quick", action="store_true",
                    help="100 accounts, no pool sweep, short dashboard checks")
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--peer-sizes", help="sizes the peer runs at (default: every size)")
    ap.add_argument("--pools", default=",".join(map(str, POOLS)),
                    help="the peer's pool sizes to sweep")
    ap.add_argument("--sweep-at", type=int, default=100,
                    help="organization size of the pool sweep (default 100)")
    ap.add_argument("--pool", type=int, default=32, help="the peer's pool without a sweep")
    ap.add_argument("--latency", type=int, default=LATENCY_MS)
    ap.add_argument("--idle-seconds", type=int, default=30)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--no-dashboard", action="store_true")
    a = ap.parse_args()

    b = Bench(a)
    for path in (b.orgtop, b.awsim, b.frame_bin, b.rusage):
        if not os.access(path, os.X_OK):
            print("bench: %s is missing: run make bench" % path, file=sys.stderr)
            return 2
    if "--once" not in sh([b.orgtop, "--help"]):
        print("bench: %s has no --once: nothing to measure yet" % b.orgtop, file=sys.stderr)
        return 2
    started = datetime.datetime.now(datetime.timezone.utc)
    mach = machine()
    vers = versions(b.build)
    sizes = [100] if a.quick else sorted({int(x) for x in a.sizes.split(",") if x})
    peer_sizes = set(sizes) if a.peer_sizes is None else \
        {int(x) for x in a.peer_sizes.split(",") if x}
    if a.no_peer:
        peer_sizes = set()
    pools = [int(x) for x in a.pools.split(",") if x]
    res = b.res
    res["latency_ms"] = a.latency

    t_all = time.monotonic()
    try:
        # The peer's best pool first (at the sweep size), then every size with it.
        best = a.pool
        sweep_at = a.sweep_at if a.sweep_at in sizes else sizes[0]
        order = [sweep_at] + [n for n in sizes if n != sweep_at]
        for n in order:
            if n in peer_sizes:
                if n == sweep_at and not a.quick:
                    b.scale(n, pools)
                    runs = res["sweep"].get(n, {})
                    ok = {k: v for k, v in runs.items() if v.get("requests")}
                    if ok:
                        best = min(ok, key=lambda k: ok[k]["wall"])
                    res["sweep_at"] = n
                else:
                    b.scale(n, [best])
            else:
                b.scale(n, [])
        res["peer_best"] = best if peer_sizes else None
        b.org_mode(max(sizes))
        b.frame()
        b.big_rss()
        if not a.no_dashboard:
            b.dashboard()
        else:
            res["skipped"]["tui"] = "--no-dashboard"
    except Exception as e:  # a bug in the harness is a crash too: say it, still report
        import traceback
        b.crash("bench harness: %s\n%s" % (e, traceback.format_exc()))
    elapsed = time.monotonic() - t_all
    mach["load_end"] = "%.2f %.2f %.2f" % os.getloadavg()

    table = None
    try:
        table = build_table(res, a.quick, a.latency)
        nts = notes(res, a.latency)
    except Exception as e:
        import traceback
        b.crash("bench report: %s\n%s" % (e, traceback.format_exc()))
        nts = []
    head = ["orgtop benchmark%s, %s" % (" (--quick)" if a.quick else "",
                                         started.strftime("%Y-%m-%d %H:%M UTC")),
            "machine: %s, %s cores, %s RAM, %s, %s; load average %s at the start, %s at "
            "the end" % (mach["cpu"], mach["cores"], mach["ram"], mach["kernel"], mach["os"],
                         mach["load"], mach["load_end"]),
            "versions: " + ", ".join("%s %s" % kv for kv in vers.items()),
            "awsim: %d ms latency per answer, AWS's maximum page sizes; orgtop --concurrency "
            "%d; %s in all" % (a.latency, CONCURRENCY, fmt_s(elapsed))]
    print()
    for line in head:
        print(line)
    print()
    if table:
        print(table.text())
    print()
    for n in nts:
        print("- " + n)
    for c in res["crashes"]:
        print("CRASH: " + c)

    md = ["## Benchmark (`make bench`)", "", "\n".join("- " + h for h in head), ""]
    if table:
        md += [table.markdown(), ""]
    md += ["- " + n for n in nts]
    md += ["- CRASH: " + c for c in res["crashes"]]
    with open(os.path.join(b.out, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")
    res["machine"], res["versions"], res["date"] = mach, vers, started.isoformat()
    res["rows"] = table.rows if table else []
    res["elapsed_s"] = elapsed
    with open(os.path.join(b.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1, default=str)
    shutil.rmtree(b.tmp, ignore_errors=True)
    print("\nbench: %s and %s written" % (os.path.join(b.out, "report.md"),
                                          os.path.join(b.out, "results.json")))
    return 1 if res["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
