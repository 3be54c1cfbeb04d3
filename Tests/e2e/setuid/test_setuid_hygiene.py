"""The setuid core's start-up scrub as a caller meets it: variables that
would steer a language runtime in a setuid process (SWIFT_*) change
nothing.
"""
import unittest

from support.accounts import wheel_member
from support.sandbox import Sandbox

ALICE = wheel_member("alice", 2001, "correct horse battery", groups=("users",))


class SetuidHygieneTests(unittest.TestCase):
    def test_swift_runtime_variables_are_dropped_when_setuid(self):
        # Without the start-up scrub the Swift runtime prints its debug help
        # (measured: it honours SWIFT_DEBUG_HELP even in a setuid process).
        # The installed core is Embedded and has no runtime to read it; this
        # counts in Tests/run.sh's ASan pass, whose core links the full
        # runtime statically (a shared one would read SWIFT_* in its own
        # constructor, before runas's scrub).
        with Sandbox(accounts=(ALICE,)) as box:
            r = box.run(ALICE, ["--help"], env={"SWIFT_DEBUG_HELP": "1", "SWIFT_DETERMINISTIC_HASHING": "1"})
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(r.err, "")
            self.assertTrue(r.out.startswith("usage: runas"), r)


if __name__ == "__main__":
    unittest.main()
