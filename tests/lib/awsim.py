"""Start and stop awsim (the local AWS) from Python tests.

    from awsim import Awsim
    with Awsim("--accounts", "50", "--seed", "7") as sim:
        env = sim.env()              # AWS_ENDPOINT_URL, keys, region, no profile/config files
        client = sim.client("organizations")   # boto3, pointed at awsim
        truth = sim.truth()          # GET /_awsim/truth (the JSON contract)
        sim.faults({"throttle": 0.3}) # POST /_awsim/faults
        sim.stats()                  # GET /_awsim/stats

Every instance listens on 127.0.0.1 port 0 (a free port) unless --listen is
given, waits for the "# ready" line, and is stopped with SIGTERM (SIGKILL if
it does not exit) by stop() or at the end of the with block.
"""
import json
import os
import signal
import subprocess
import tempfile
import threading
import urllib.request

ROOT = os.environ.get("ORGTOP_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("ORGTOP_BUILD") or os.path.join(ROOT, "build")
MODELS = os.path.join(ROOT, "tests", "data", "botocore-models")


def _newer_models_if_needed():
    """Debian 12's botocore (1.29) predates operations and fields awsim serves
    (account ListRegions, GuardDuty GroupBy statistics, sso-admin assignments
    per principal, Organizations' account State, ...). Then the models of
    tests/data/botocore-models (botocore 1.43's, gzipped; 1.29 reads only
    plain JSON) are unpacked under BUILD and put first on AWS_DATA_PATH, for
    this process and the clients it starts. A botocore that has them is left
    alone."""
    try:
        import botocore
        import botocore.session
        model = botocore.session.get_session().get_service_model("account")
        if "ListRegions" in model.operation_names:
            return
    except ImportError:
        return  # no botocore: the tests that need it say so
    except Exception:  # noqa: BLE001 (no account model at all)
        pass
    import gzip
    out = os.path.join(BUILD, "botocore-models")
    for d, _, files in os.walk(MODELS):
        for f in files:
            if not f.endswith(".json.gz"):
                continue
            dst = os.path.join(out, os.path.relpath(d, MODELS), f[:-3])
            if os.path.exists(dst):
                continue
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with gzip.open(os.path.join(d, f)) as src:
                data = src.read()
            tmp = "%s.%d" % (dst, os.getpid())
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, dst)  # two tests at once: each writes whole files
    paths = [p for p in os.environ.get("AWS_DATA_PATH", "").split(os.pathsep) if p]
    if out not in paths:
        os.environ["AWS_DATA_PATH"] = os.pathsep.join([out] + paths)


_newer_models_if_needed()


class AwsimError(Exception):
    pass


class Awsim:
    def __init__(self, *args, binary=None, timeout=30):
        self.args = list(args)
        if not any(a == "--listen" for a in self.args):
            self.args = ["--listen", "127.0.0.1:0"] + self.args
        self.binary = binary or os.path.join(BUILD, "awsim")
        self.timeout = timeout
        self.proc = None
        self.exports = {}
        self.comments = []
        self._stderr = []

    # -- life cycle ---------------------------------------------------------
    def start(self):
        self.proc = subprocess.Popen([self.binary, "--die-with-parent"] + self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        timer = threading.Timer(self.timeout, self._kill)
        timer.start()
        try:
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if line.startswith("export "):
                    k, _, v = line[len("export "):].partition("=")
                    self.exports[k] = v
                elif line == "# ready":
                    break
                elif line.startswith("#"):
                    self.comments.append(line)
            else:
                self.proc.wait()
                raise AwsimError("awsim exited (%s) before ready: %s" % (
                    self.proc.returncode, "".join(self._stderr)))
        finally:
            timer.cancel()
        threading.Thread(target=self._drain_stdout, daemon=True).start()
        return self

    def _drain_stderr(self):
        for raw in self.proc.stderr:
            self._stderr.append(raw.decode("utf-8", "replace"))

    def _drain_stdout(self):
        for _ in self.proc.stdout:
            pass

    def __del__(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()

    def stop(self, check=True):
        """SIGTERM, then wait. awsim exits 0 after a clean shutdown; with check, anything
        else (a sanitizer report, a crash, a hang) raises AwsimError."""
        if not self.proc:
            return None
        hung = False
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                hung = True
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        if check and (hung or rc != 0):
            raise AwsimError("awsim did not shut down cleanly (exit %s%s): %s" % (
                rc, ", hung" if hung else "", self.stderr()[-4000:]))
        return rc

    def stderr(self):
        return "".join(self._stderr)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop(check=exc[0] is None)

    # -- what it printed ------------------------------------------------------
    @property
    def endpoint(self):
        return self.exports["AWS_ENDPOINT_URL"]

    @property
    def port(self):
        return int(self.endpoint.rsplit(":", 1)[1])

    @property
    def access_key(self):
        return self.exports["AWS_ACCESS_KEY_ID"]

    @property
    def secret_key(self):
        return self.exports["AWS_SECRET_ACCESS_KEY"]

    @property
    def region(self):
        return self.exports["AWS_REGION"]

    def env(self, base=None):
        """An environment for a child process: awsim's exports, nothing from ~/.aws."""
        env = dict(os.environ if base is None else base)
        for k in list(env):
            if k.startswith("AWS_") and k != "AWS_DATA_PATH":  # models, not settings
                del env[k]
        env.update(self.exports)
        env["AWS_DEFAULT_REGION"] = self.region
        empty = os.path.join(tempfile.gettempdir(), "awsim-no-aws-config")
        env["AWS_CONFIG_FILE"] = empty
        env["AWS_SHARED_CREDENTIALS_FILE"] = empty
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        return env

    # -- boto3 ------------------------------------------------------------------
    def session(self, access_key=None, secret_key=None, token=None, region=None):
        import boto3
        return boto3.session.Session(
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            aws_session_token=token, region_name=region or self.region)

    def client(self, service, region=None, creds=None, retries=1, validate=True, **kw):
        """A boto3 client for service against awsim. creds: (key, secret, token).
        validate=False turns off botocore's own parameter checks, to see awsim's."""
        from botocore.config import Config
        cache_key = (service, region, creds, retries, validate, tuple(sorted(kw.items())))
        if not hasattr(self, "_clients"):
            self._clients = {}
        if cache_key in self._clients:
            return self._clients[cache_key]
        key = secret = token = None
        if creds:
            key, secret, token = creds
        cfg = Config(retries={"total_max_attempts": retries, "mode": "standard"},
                     connect_timeout=5, read_timeout=kw.pop("read_timeout", 30),
                     parameter_validation=validate)
        if not hasattr(self, "_shared"):
            self._shared = self.session()  # one session: the models load once
        client = self._shared.client(
            service, endpoint_url=self.endpoint, config=cfg, region_name=region or self.region,
            aws_access_key_id=key or self.access_key, aws_secret_access_key=secret or self.secret_key,
            aws_session_token=token, **kw)
        self._clients[cache_key] = client
        return client

    def assume(self, account_id, role="OrganizationAccountAccessRole", session="test",
               duration=None, external_id=None, creds=None):
        """AssumeRole into account_id; returns (key, secret, token)."""
        args = {"RoleArn": "arn:aws:iam::%s:role/%s" % (account_id, role),
                "RoleSessionName": session}
        if duration:
            args["DurationSeconds"] = duration
        if external_id:
            args["ExternalId"] = external_id
        c = self.client("sts", creds=creds).assume_role(**args)["Credentials"]
        return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]

    # -- control endpoint ----------------------------------------------------------
    def _control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + "/_awsim/" + path, data=data,
                                     method=method)
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read().decode())

    def stats(self):
        return self._control("GET", "stats")

    def reset_stats(self):
        return self._control("POST", "stats/reset", {})

    def faults(self, changes=None):
        if changes is None:
            return self._control("GET", "faults")
        return self._control("POST", "faults", changes)

    def tick(self, n=1):
        return self._control("POST", "tick", {"n": n})["tick"]

    def truth(self, regions=None, role=None):
        q = []
        if regions:
            q.append("regions=" + urllib.request.quote(regions))
        if role:
            q.append("role=" + urllib.request.quote(role))
        return self._control("GET", "truth" + ("?" + "&".join(q) if q else ""))


def dump_truth(*args, binary=None):
    """Runs awsim --dump-truth with args; returns the parsed document."""
    binary = binary or os.path.join(BUILD, "awsim")
    out = subprocess.run([binary, "--dump-truth"] + list(args), check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return json.loads(out.stdout.decode())
