"""test_audit_map.py: SECURITY.md's audit map (support/auditmap.py) is
whole and current: every source file of the core's and the backends'
targets listed once, in the part its target belongs to, nothing listed
that is gone, and every line count and description as the files say."""
import unittest

from support import auditmap, generated


class AuditMapTests(unittest.TestCase):
    def test_each_part_lists_exactly_the_files_of_its_targets(self):
        for part, folders, files in auditmap.READING_ORDER:
            with self.subTest(part=part):
                self.assertEqual(len(files), len(set(files)), "a file listed twice")
                self.assertEqual(sorted(files), sorted(auditmap.sources_in(folders)))

    def test_every_source_file_of_the_product_is_in_some_part(self):
        listed = {f for _, _, files in auditmap.READING_ORDER for f in files}
        product = auditmap.sources_in(["Sources", "Plugins"])
        self.assertEqual(sorted(product - listed), [], "on the setuid path but not in the audit map")

    def test_security_md_shows_the_current_map(self):
        shown = generated.block_in(auditmap.DOCUMENT, auditmap.BEGIN, auditmap.END)
        self.assertIsNotNone(shown, "SECURITY.md has no audit map between its markers")
        self.assertEqual(shown, auditmap.table(),
                         "SECURITY.md's audit map is stale: cd Tests && python3 -m support.auditmap --write")
