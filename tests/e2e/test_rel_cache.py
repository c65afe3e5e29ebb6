#!/usr/bin/env python3
# timeout: 300
"""The cache never tears (issue 7 section 5, RELIABILITY.md G), with the
real binary: tests/unit/test_cache.c proves the module; this proves the
program around it.

- kill -9 at every step of a save (after the write, after the fsync, after
  the rename), with orgtop built with its fault hooks (make FAULTS=1, built
  here into BUILD/faults when missing): the file is then byte for byte the
  old generation (before the rename) or a complete new one (after it),
  never torn; the next run loads it without a word and saves over it.
- A full disk (a 64 KiB tmpfs), a read-only directory (a tmpfs remounted
  read-only), a corrupt, truncated, zero-length and future-version file,
  and another orgtop holding the save lock: each gets one message, the run
  goes on (its output is complete, exit 1 as the data says), and what was
  saved before is still there.
- The dashboard started against an endpoint that refuses every connection
  shows the accounts of the last good generation (nothing lost), also
  when the latest file was damaged and the previous generation is used.
- Ctrl-C in the middle of `--once` leaves the previous generation intact.
"""
import fcntl
import glob
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rel_lib as R  # noqa: E402
import taptest  # noqa: E402
from test_tui_grid import Tmux  # noqa: E402

FAULTS_BUILD = os.path.join(R.BUILD, "faults")
FAULTY = os.path.join(FAULTS_BUILD, "orgtop")
ORG = ["--scenario", R.scenario("states.json")]  # every state, a flat org: under 1 s a run
REGIONS = []


def build_faulty():
    """orgtop with its fault hooks (make FAULTS=1), or why not."""
    p = subprocess.run(["make", "--no-print-directory", "-j2", "BUILD=" + FAULTS_BUILD,
                        "FAULTS=1", "OPT=-O1", FAULTY], cwd=R.ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    if p.returncode != 0:
        return p.stdout.decode("utf-8", "replace")[-3000:]
    return None


def current(cache_dir):
    files = glob.glob(os.path.join(cache_dir, "*.cache"))
    return files[0] if len(files) == 1 else None


def read(path):
    with open(path, "rb") as f:
        return f.read()


def valid(data):
    head, _, body = data.partition(b"\n")
    m = re.match(rb"orgtop-cache/1 sha256=([0-9a-f]{64}) length=(\d{20})$", head)
    return bool(m) and int(m.group(2)) == len(body) and \
        hashlib.sha256(body).hexdigest().encode() == m.group(1)


def account_ids(data):
    return set(re.findall(rb'"id":"(\d{12})"', data.partition(b"\n")[2]))


class Cache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.why = build_faulty()
        cls.sim = R.Awsim(*ORG).start()
        cls.truth_ids = {a["id"].encode() for a in cls.sim.truth()["accounts"]}
        cls.mounts = []

    @classmethod
    def tearDownClass(cls):
        cls.sim.stop()
        for m in cls.mounts:
            subprocess.run(["umount", "-l", m], stderr=subprocess.DEVNULL)

    def once(self, cache_dir, binary=None, env=None, timeout=120):
        e = R.env(self.sim, env)
        cmd = [binary or R.ORGTOP, "--once", "--format", "json", "--cache-dir", cache_dir] + \
            REGIONS
        p = subprocess.run(cmd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode(
            "utf-8", "replace")

    def fresh(self):
        d = tempfile.mkdtemp(prefix="orgtop-rel-cache-")
        self.addCleanup(shutil.rmtree, d, True)
        return os.path.join(d, "cache")

    def saved(self, cache_dir):
        rc, out, err = self.once(cache_dir)
        self.assertEqual(rc, 1, err)
        self.assertEqual(err, "")
        path = current(cache_dir)
        self.assertIsNotNone(path)
        return path, read(path)

    def mount_tmpfs(self, size="64k"):
        if os.geteuid() != 0:
            self.skipTest("needs root to mount a tmpfs")
        d = tempfile.mkdtemp(prefix="orgtop-rel-tmpfs-")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs",
                            d], stderr=subprocess.PIPE)
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs: %s" % r.stderr.decode().strip())
        self.mounts.append(d)
        self.addCleanup(lambda: (subprocess.run(["umount", "-l", d]), os.rmdir(d)))
        return d

    # ------------------------------------------------------------- kill -9
    def test_kill9_at_every_step_leaves_old_or_new(self):
        if self.why:
            self.fail("cannot build orgtop with FAULTS=1:\n" + self.why)
        for point, expect in (("after-write", "old"), ("after-fsync", "old"),
                              ("after-rename", "new")):
            with self.subTest(point=point):
                cache = self.fresh()
                path, old = self.saved(cache)
                self.sim.tick(1)  # the next save differs from the last
                # ... and is written in a later second (generated_at), should
                # the scenario's tick leave the data as it was
                time.sleep(1.02 - time.time() % 1)
                rc, out, err = self.once(cache, FAULTY, {"ORGTOP_FAULT_CACHE": point})
                self.assertEqual(rc, -signal.SIGKILL, "not killed at %s: %s" % (point, err))
                now = read(path)
                self.assertTrue(valid(now), "torn at %s" % point)
                if expect == "old":
                    self.assertEqual(now, old, "the old generation changed at %s" % point)
                else:
                    self.assertNotEqual(now, old)
                    self.assertEqual(account_ids(now), self.truth_ids)
                prev = path + ".prev"
                if os.path.exists(prev):
                    self.assertTrue(valid(read(prev)))
                # the restart loads it without a word and saves over it
                rc, out, err = self.once(cache)
                self.assertEqual(rc, 1, err)
                self.assertEqual(err, "", "restart after kill -9 at %s" % point)
                self.assertTrue(valid(read(path)))
                self.assertEqual(glob.glob(os.path.join(cache, ".*tmp*")), [],
                                 "a temp file left behind")

    # ---------------------------------------------------------- bad disks
    def test_full_disk(self):
        mnt = self.mount_tmpfs("64k")
        cache = os.path.join(mnt, "cache")
        os.makedirs(cache, mode=0o700)
        # fill it: a save of this organization needs more than what is left
        with open(os.path.join(mnt, "filler"), "wb") as f:
            try:
                f.write(b"\0" * (60 * 1024))
            except OSError:
                pass
        rc, out, err = self.once(cache)
        self.assertEqual(rc, 1, err)
        self.assertTrue(out.startswith("{"), "no output with a full disk")
        self.assertEqual(err.count("cache not saved"), 1, err)
        self.assertIn("No space left on device", err)
        left = [f for f in os.listdir(cache) if not f.endswith(".lock")]
        self.assertEqual(left, [], "debris left on a full disk")

    def test_full_disk_keeps_what_was_saved(self):
        mnt = self.mount_tmpfs("256k")
        cache = os.path.join(mnt, "cache")
        path, old = self.saved(cache)
        with open(os.path.join(mnt, "filler"), "wb") as f:
            try:
                f.write(b"\0" * (256 * 1024))
            except OSError:
                pass
        self.sim.tick(1)
        rc, out, err = self.once(cache)
        self.assertEqual(rc, 1, err)
        self.assertEqual(err.count("cache not saved"), 1, err)
        self.assertEqual(read(path), old)

    def test_read_only_directory(self):
        mnt = self.mount_tmpfs("1m")
        cache = os.path.join(mnt, "cache")
        path, old = self.saved(cache)
        subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
        rc, out, err = self.once(cache)
        self.assertEqual(rc, 1, err)
        self.assertTrue(out.startswith("{"))
        self.assertEqual(err.count("cache not saved"), 1, err)
        self.assertIn("Read-only file system", err)
        self.assertEqual(read(path), old)

    # ---------------------------------------------------------- bad files
    def test_damaged_files_are_set_aside_with_one_message(self):
        cases = {
            "corrupt": lambda d: d[:-40] + b"X" * 40,
            "truncated": lambda d: d[:len(d) // 2],
            "zero-length": lambda d: b"",
            "future": lambda d: d.replace(b"orgtop-cache/1 ", b"orgtop-cache/9 ", 1),
        }
        for name, damage in cases.items():
            with self.subTest(case=name):
                cache = self.fresh()
                path, old = self.saved(cache)
                if os.path.exists(path + ".prev"):
                    os.unlink(path + ".prev")
                with open(path, "wb") as f:
                    f.write(damage(old))
                rc, out, err = self.once(cache)
                self.assertEqual(rc, 1, err)
                self.assertTrue(out.startswith("{"))
                lines = [l for l in err.splitlines() if l]
                self.assertEqual(len(lines), 1, err)
                kind = "future" if name == "future" else "corrupt"
                self.assertIn("set aside as", lines[0])
                self.assertIn(os.path.basename(path), lines[0])
                aside = glob.glob(path + "." + kind + "-*")
                self.assertEqual(len(aside), 1, os.listdir(cache))
                self.assertEqual(read(aside[0]), damage(old), "the set-aside file changed")
                self.assertTrue(valid(read(path)), "no good cache saved after")

    def test_damaged_latest_uses_previous_generation(self):
        """Restart with AWS unreachable: the dashboard shows the previous generation's
        accounts, and says why on its message line."""
        cache = self.fresh()
        with R.Awsim(*ORG) as sim2:
            env = {k: v for k, v in sim2.env().items() if k.startswith("AWS_")}
            for _ in range(2):
                rc, out, err = self.once(cache, env=R.env(sim2))
                self.assertEqual(rc, 1, err)
                sim2.tick(1)
        path = current(cache)
        prev = read(path + ".prev")
        self.assertTrue(valid(prev))
        with open(path, "wb") as f:
            f.write(read(path)[:100])
        # sim2 is gone: every call is refused; only the cache can fill the grid
        t = Tmux(160, 50).start([R.ORGTOP, "--cache-dir", cache] + REGIONS, env)
        self.addCleanup(t.stop)
        n = len(account_ids(prev))
        s = t.wait(lambda s: len(re.findall(r"\b\d{12}\b", s)) >= n, timeout=20,
                   what="the cached accounts")
        t.keys(":")
        t.type("sort name")
        t.keys("Enter")
        s = t.wait(lambda s: "sort name" in s and len(re.findall(r"\b\d{12}\b", s)) >= n)
        shown = set(re.findall(r"\b(\d{12})\b", "\n".join(s.split("\n")[2:])))
        self.assertEqual(shown, {i.decode() for i in account_ids(prev)})
        t.keys("q")
        # what was said before the dashboard is on the shell's screen once it ends
        s = t.wait("EXIT=0")
        self.assertIn("is damaged", s)
        self.assertIn("using the previous cache generation", s)

    def test_the_dashboard_shows_what_happened_to_the_cache(self):
        """Said before the dashboard starts, the message would hide behind its screen."""
        cache = self.fresh()
        path, old = self.saved(cache)
        with open(path, "wb") as f:
            f.write(b"junk")
        env = {k: v for k, v in self.sim.env().items() if k.startswith("AWS_")}
        t = Tmux(160, 40).start([R.ORGTOP, "--cache-dir", cache] + REGIONS, env)
        self.addCleanup(t.stop)
        t.wait(lambda s: "OU / account" in s and "is damaged" in s, timeout=20,
               what="the cache message on the dashboard")
        t.keys("q")
        t.wait("EXIT=0")

    def test_another_instance_holding_the_lock(self):
        cache = self.fresh()
        path, old = self.saved(cache)
        locks = glob.glob(os.path.join(cache, "*.lock"))
        self.assertEqual(len(locks), 1, os.listdir(cache))
        with open(locks[0], "r+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            self.sim.tick(1)
            rc, out, err = self.once(cache)
        self.assertEqual(rc, 1, err)
        self.assertTrue(out.startswith("{"))
        self.assertEqual(err.count("another orgtop is saving"), 1, err)
        self.assertEqual(read(path), old)

    def test_two_instances_at_once(self):
        cache = self.fresh()
        self.saved(cache)
        procs = [subprocess.Popen([R.ORGTOP, "--once", "--format", "json", "--cache-dir", cache]
                                  + REGIONS,
                                  env=R.env(self.sim), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
                 for _ in range(2)]
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 1, err)
            self.assertTrue(out.startswith(b"{"))
            self.assertIn(err.decode(), ("", "orgtop: cache not saved: another orgtop is saving "
                                         "the cache in %s; this save was skipped\n" % cache))
        self.assertTrue(valid(read(current(cache))))

    def test_ctrl_c_mid_once_keeps_the_previous_generation(self):
        cache = self.fresh()
        path, old = self.saved(cache)
        self.sim.faults({"latency_ms": 200})
        try:
            p = subprocess.Popen([R.ORGTOP, "--once", "--cache-dir", cache] + REGIONS,
                                 env=R.env(self.sim), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            time.sleep(1.0)
            self.assertIsNone(p.poll(), "the run ended before Ctrl-C")
            p.send_signal(signal.SIGINT)
            p.communicate(timeout=30)
        finally:
            self.sim.faults({"latency_ms": 0})
        self.assertIn(p.returncode, (-signal.SIGINT, 130))
        self.assertEqual(read(path), old)
        rc, out, err = self.once(cache)
        self.assertEqual((rc, err), (1, ""))


if __name__ == "__main__":
    taptest.main()
