#!/usr/bin/env python3
# timeout: 300
"""`make install` and `make uninstall` with PREFIX and DESTDIR (issue 2).

The binary is built once, for the default prefix; installing it under another
PREFIX (into a DESTDIR) must still give a working orgtop that finds its
themes: the compiled-in share/orgtop is not where they went, so orgtop also
looks in share/orgtop/themes beside its bin/. Once a plain `make` followed by
`make install PREFIX=/usr` installed themes the binary never found.
"""
import os
import shutil
import subprocess
import tempfile
import unittest

import test_once_lib as L
import taptest

PREFIX = "/opt/orgtop-install-test"
SHIPPED = sorted(f[:-len(".theme")] for f in os.listdir(os.path.join(L.ROOT, "themes"))
                 if f.endswith(".theme"))


def make(*args):
    return subprocess.run(["make", "-s", "--no-print-directory", "BUILD=" + L.BUILD] +
                          list(args), cwd=L.ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=240)


class Install(unittest.TestCase):
    def setUp(self):
        self.dest = tempfile.mkdtemp(prefix="orgtop-destdir-")
        self.home = tempfile.mkdtemp(prefix="orgtop-home-")

    def tearDown(self):
        shutil.rmtree(self.dest, ignore_errors=True)
        shutil.rmtree(self.home, ignore_errors=True)

    def orgtop(self, *args):
        env = {"PATH": "/usr/bin:/bin", "HOME": self.home, "LANG": "C.UTF-8",
               "XDG_CONFIG_HOME": os.path.join(self.home, "cfg")}
        return subprocess.run([self.root + "/bin/orgtop"] + list(args), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)

    def test_install_elsewhere_then_uninstall(self):
        p = make("install", "DESTDIR=" + self.dest, "PREFIX=" + PREFIX)
        self.assertEqual(p.returncode, 0, p.stdout.decode()[-2000:])
        self.root = self.dest + PREFIX
        self.assertTrue(os.access(self.root + "/bin/orgtop", os.X_OK))
        self.assertTrue(os.path.isfile(self.root + "/share/man/man1/orgtop.1"))
        for name in SHIPPED:
            self.assertTrue(os.path.isfile("%s/share/orgtop/themes/%s.theme" % (
                self.root, name)), name)
        v = self.orgtop("--version")
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertIn(b"orgtop", v.stdout)
        # a theme only the installed tree has: found beside bin/, not in the
        # compiled-in prefix nor in the source tree
        with open(self.root + "/share/orgtop/themes/zz-installed-only.theme", "w") as f:
            f.write("ok = fg=colour200\n")
        t = self.orgtop("--list-themes")
        self.assertEqual(t.returncode, 0, t.stderr)
        listed = t.stdout.decode().split()
        for name in SHIPPED + ["zz-installed-only"]:
            self.assertIn(name, listed)
        os.unlink(self.root + "/share/orgtop/themes/zz-installed-only.theme")
        p = make("uninstall", "DESTDIR=" + self.dest, "PREFIX=" + PREFIX)
        self.assertEqual(p.returncode, 0, p.stdout.decode()[-2000:])
        left = [os.path.join(d, f) for d, _, fs in os.walk(self.dest) for f in fs]
        self.assertEqual(left, [])


if __name__ == "__main__":
    taptest.main()
