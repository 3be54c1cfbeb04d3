"""test_man_page.py: doc/runas.1 renders with groff without a warning and has
every section a man page should."""
import os
import re
import subprocess
import unittest

from support.paths import REPO




class ManPageTests(unittest.TestCase):
    def test_renders_without_warnings(self):
        p = subprocess.run(["groff", "-ww", "-man", "-Tutf8", os.path.join(REPO, "doc", "runas.1")],
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(p.stderr, b"")
        text = re.sub(".\x08", "", p.stdout.decode())  # no overstriking
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "EXIT STATUS", "FILES",
                        "SECURITY", "SEE ALSO"):
            self.assertIn(section, text)


if __name__ == "__main__":
    unittest.main()
