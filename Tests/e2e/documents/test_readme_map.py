"""test_readme_map.py: README's map of the tests is the map the folders make
(support/testmap.py), and the suite keeps the shape that map promises:
every test module filed in a feature folder that says what it covers, no
test module importing another, no edits of Python's module path."""
import ast
import os
import unittest

from support import generated, testmap
from support.paths import TESTS


def python_files(top):
    for path, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(path, name)


class ReadmeMapTests(unittest.TestCase):
    def test_readme_shows_the_map_of_the_folders(self):
        shown = generated.block_in(testmap.DOCUMENT, testmap.BEGIN, testmap.END)
        self.assertIsNotNone(shown, "README.md has no test map between its markers")
        self.assertEqual(shown, testmap.table(),
                         "README's test map is stale: cd Tests && python3 -m support.testmap --write")

    def test_every_test_module_is_in_a_feature_folder(self):
        loose = [n for n in os.listdir(testmap.E2E) if n.startswith("test_")]
        self.assertEqual(loose, [])
        for folder in testmap.folders():
            self.assertTrue(testmap.covers(folder), "%s/__init__.py says nothing of what it covers" % folder)

    def test_no_test_module_imports_another_or_edits_the_module_path(self):
        for path in list(python_files(testmap.E2E)) + list(python_files(os.path.join(TESTS, "support"))):
            with open(path) as f:
                tree = ast.parse(f.read(), path)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                else:
                    names = []
                for name in names:
                    last = name.split(".")[-1]
                    self.assertFalse(last.startswith("test_") or name.startswith("e2e"),
                                     "%s imports %s" % (os.path.relpath(path, TESTS), name))
                if isinstance(node, ast.Attribute) and node.attr == "path" and \
                        isinstance(node.value, ast.Name) and node.value.id == "sys":
                    self.fail("%s uses sys.path" % os.path.relpath(path, TESTS))
