"""runner.py: runs one tier of the end-to-end tests (Tests/e2e) on all cores.

    cd Tests && python3 -m support.runner [--tier sandbox|systemd|platform]
        [--asan] [--jobs N] [--list] [NAME...]

Every test builds its own sandbox (its own mount namespace, accounts, /run,
/dev/log and scratch directories), so tests run side by side in worker
processes. The unit of work is a test, or a whole class when the class or
its module has shared set-up (setUpClass, setUpModule), or all the classes
that share a resource (markers.py). Classes marked alone run one at a
time after the rest. --asan leaves out the
classes marked release_build_only and says how many. NAME selects tests
whose id starts with it or has it as a dotted part (a folder, module,
class or test name). --list prints the selected test ids and runs nothing.

Longest units start first, by the durations of earlier runs kept in
.build/test-durations.json. Each unit's report is printed whole when it
ends; the summary names every failure. A skipped test is reported; under
CI (CI=true) it fails the run, as does a run that selects no test.
"""
import argparse
import concurrent.futures
import io
import json
import multiprocessing
import os
import sys
import time
import unittest

from support import markers
from support.paths import REPO, TESTS

DURATIONS = os.path.join(REPO, ".build", "test-durations.json")


def flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from flatten(t)
        else:
            yield t


def discover():
    loader = unittest.TestLoader()
    tests = list(flatten(loader.discover(os.path.join(TESTS, "e2e"), pattern="test_*.py", top_level_dir=TESTS)))
    return tests


def import_failed(test):
    return type(test).__module__ == "unittest.loader"


def selected(test, names):
    if not names:
        return True
    tid = test.id()
    parts = tid.split(".")
    return any(tid == n or tid.startswith(n + ".") or n in parts for n in names)


def shares_set_up(cls):
    module = sys.modules[cls.__module__]
    return (cls.setUpClass.__func__ is not unittest.TestCase.setUpClass.__func__
            or cls.tearDownClass.__func__ is not unittest.TestCase.tearDownClass.__func__
            or hasattr(module, "setUpModule") or hasattr(module, "tearDownModule"))


def units_of(tests):
    """(key, tests) pairs: the classes that share a resource (markers.shares)
    together, a class with shared set-up whole (a module with setUpModule
    whole), every other test by itself."""
    units, whole = [], {}
    for t in tests:
        cls = type(t)
        if import_failed(t):
            units.append((t.id(), [t]))
            continue
        module = sys.modules[cls.__module__]
        if markers.shared_resource(cls):
            key = "sharing " + markers.shared_resource(cls)
        elif not shares_set_up(cls):
            units.append((t.id(), [t]))
            continue
        else:
            key = cls.__module__ if hasattr(module, "setUpModule") else cls.__module__ + "." + cls.__qualname__
        if key not in whole:
            whole[key] = []
            units.append((key, whole[key]))
        whole[key].append(t)
    return units


class TimedResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skipped_ids = []

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skipped_ids.append("%s (%s)" % (test.id(), reason))


UNITS = []   # filled before the workers fork: a worker runs UNITS[i]


def run_unit(index):
    key, tests = UNITS[index]
    stream = io.StringIO()
    runner = unittest.TextTestRunner(stream=stream, verbosity=2, resultclass=TimedResult)
    start = time.monotonic()
    result = runner.run(unittest.TestSuite(tests))
    failed = [t.id() for t, _ in result.failures + result.errors] + \
             [t.id() for t in result.unexpectedSuccesses]
    return {"key": key, "seconds": time.monotonic() - start, "run": result.testsRun, "failed": failed,
            "skipped": result.skipped_ids, "report": stream.getvalue()}


def load_durations():
    try:
        with open(DURATIONS) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_durations(durations, measured):
    durations.update(measured)
    os.makedirs(os.path.dirname(DURATIONS), exist_ok=True)
    with open(DURATIONS + ".new", "w") as f:
        json.dump(durations, f, indent=0, sort_keys=True)
    os.replace(DURATIONS + ".new", DURATIONS)


def main(argv):
    parser = argparse.ArgumentParser(prog="python3 -m support.runner")
    parser.add_argument("--tier", choices=markers.TIERS, default="sandbox")
    parser.add_argument("--asan", action="store_true", help="the pass against the ASan core")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("RUNAS_TEST_JOBS", 0)) or
                        2 * (os.cpu_count() or 1))
    parser.add_argument("--list", action="store_true")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)

    tests = discover()
    chosen, left_out = [], []
    for t in tests:
        if not import_failed(t):
            if markers.tier(type(t)) != args.tier or not selected(t, args.names):
                continue
            if args.asan and markers.is_release_build_only(type(t)):
                left_out.append(t)
                continue
        chosen.append(t)
    if args.list:
        for t in chosen:
            print(t.id())
        return 0
    if not chosen and left_out:
        print("== nothing to run against the ASan core: the %d tests selected are release_build_only"
              % len(left_out))
        return 0

    durations = load_durations()
    timed = ("asan " if args.asan else "") + "%s"   # (the ASan core's durations apart)
    parallel, serial = [], []
    for unit in units_of(chosen):
        (serial if markers.runs_alone(type(unit[1][0])) else parallel).append(unit)

    def estimate(unit):
        return durations.get(timed % unit[0], 3.0 * len(unit[1]))
    parallel.sort(key=estimate, reverse=True)
    UNITS[:] = parallel + serial
    print("== %s tier: %d tests in %d units, %d in parallel (%d workers), %d alone%s" % (
        args.tier, len(chosen), len(UNITS), len(parallel), args.jobs, len(serial),
        "; left out of the ASan pass: %d (release_build_only)" % len(left_out) if args.asan else ""),
        flush=True)

    start = time.monotonic()
    outcomes = []

    def report(outcome):
        outcomes.append(outcome)
        sys.stdout.write("--- %s (%d tests, %.1f s)\n%s" % (outcome["key"], outcome["run"], outcome["seconds"],
                                                           outcome["report"]))
        sys.stdout.flush()

    if parallel:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(args.jobs, mp_context=context) as pool:
            futures = {pool.submit(run_unit, i): i for i in range(len(parallel))}
            for future in concurrent.futures.as_completed(futures):
                try:
                    report(future.result())
                except Exception as e:  # a worker died (os._exit, a signal, a closed pipe)
                    key, tests = UNITS[futures[future]]
                    report({"key": key, "seconds": 0.0, "run": len(tests), "failed": [t.id() for t in tests],
                            "skipped": [], "report": "!! its worker died: %r\n" % e})
    for i in range(len(parallel), len(UNITS)):
        report(run_unit(i))

    save_durations(durations, {timed % o["key"]: round(o["seconds"], 2) for o in outcomes if o["seconds"]})
    ran = sum(o["run"] for o in outcomes)
    failed = [f for o in outcomes for f in o["failed"]]
    skipped = [s for o in outcomes for s in o["skipped"]]
    print("== %s tier: ran %d tests in %.0f s; %d failed, %d skipped" % (
        args.tier, ran, time.monotonic() - start, len(failed), len(skipped)))
    for f in sorted(failed):
        print("FAILED " + f)
    for s in sorted(skipped):
        print("!! SKIPPED " + s)
    if skipped and os.environ.get("CI") == "true":
        print("!! a skipped test is not a passed test: under CI every test must run")
        return 1
    if ran == 0:
        print("!! no test ran")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
