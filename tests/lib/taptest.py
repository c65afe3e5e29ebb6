"""TAP output for Python test scripts, so tests/run.py can count them.

Use plain unittest test cases and end the script with:

    if __name__ == "__main__":
        taptest.main()

Each test method prints "ok N - Class.method" or "not ok N - ..." with the
traceback as "# " comment lines. A skipped test prints "ok N - ... # SKIP why".
"""
import os
import sys
import traceback
import unittest


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0

    def _name(self, test):
        # A failing setUpClass/setUpModule arrives as an _ErrorHolder, which has no
        # method name: report it by its description instead of crashing.
        if not hasattr(test, "_testMethodName"):
            return getattr(test, "description", str(test))
        return "%s.%s" % (type(test).__name__, test._testMethodName)

    def addSuccess(self, test):
        self.n += 1
        print("ok %d - %s" % (self.n, self._name(test)), flush=True)

    def _fail(self, test, err):
        self.n += 1
        print("not ok %d - %s" % (self.n, self._name(test)), flush=True)
        for line in "".join(traceback.format_exception(*err)).splitlines():
            print("# " + line)
        sys.stdout.flush()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err)

    def addSkip(self, test, reason):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, self._name(test), reason), flush=True)

    def addSubTest(self, test, subtest, err):
        if err is not None:
            super().addFailure(test, err)
            self.n += 1
            print("not ok %d - %s" % (self.n, subtest), flush=True)
            for line in "".join(traceback.format_exception(*err)).splitlines():
                print("# " + line)


def main(module="__main__"):
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromModule(sys.modules[module])
    if len(sys.argv) > 1:  # run only tests whose name contains an argument
        wanted = sys.argv[1:]
        flat = []

        def walk(s):
            for t in s:
                if isinstance(t, unittest.TestSuite):
                    walk(t)
                else:
                    flat.append(t)
        walk(suite)
        suite = unittest.TestSuite([t for t in flat if any(w in t.id() for w in wanted)])
    print("1..%d" % suite.countTestCases(), flush=True)
    result = TapResult()
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() else 1)


ROOT = os.environ.get("ORGTOP_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("ORGTOP_BUILD") or os.path.join(ROOT, "build")
