"""testmap.py: the map of the end-to-end tests README.md shows, made from
the folders themselves: each folder of Tests/e2e, what it covers (its
__init__.py's docstring), its tier and whether the pass against the ASan
core runs it (markers.py). python3 -m support.testmap prints it (--write:
into README.md between its markers);
e2e/documents/test_readme_map.py checks README's copy is this text."""
import importlib
import inspect
import os
import unittest

from support import generated, markers
from support.paths import TESTS

E2E = os.path.join(TESTS, "e2e")
DOCUMENT = "README.md"
BEGIN = "<!-- test map: python3 -m support.testmap --write (run in Tests/) makes it; a test checks it -->"
END = "<!-- end of test map -->"


def folders():
    """The dotted names of Tests/e2e's folders that hold test modules, sorted."""
    found = []
    for top, dirs, files in os.walk(E2E):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        if any(f.startswith("test_") and f.endswith(".py") for f in files):
            found.append(os.path.relpath(top, TESTS).replace(os.sep, "."))
    return sorted(found)


def test_classes(folder):
    """The TestCase classes the folder's own modules define or name."""
    classes = []
    path = os.path.join(TESTS, *folder.split("."))
    for name in sorted(os.listdir(path)):
        if name.startswith("test_") and name.endswith(".py"):
            module = importlib.import_module(folder + "." + name[:-3])
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, unittest.TestCase) and cls.__module__ == module.__name__ and \
                        unittest.TestLoader().getTestCaseNames(cls):
                    classes.append(cls)
    return classes


def covers(folder):
    doc = importlib.import_module(folder).__doc__ or ""
    return " ".join(doc.split())


def asan_pass(folder):
    classes = test_classes(folder)
    if markers.folder_tier(folder) != "sandbox":
        return "no"
    left_out = [c for c in classes if markers.is_release_build_only(c)]
    return "no" if len(left_out) == len(classes) else "partly" if left_out else "yes"


def table():
    rows = ["| Folder (`Tests/`) | What it covers | Tier | Also against the ASan core |",
            "|---|---|---|---|"]
    for folder in folders():
        rows.append("| `%s/` | %s | %s | %s |" % (folder.replace(".", "/"), covers(folder),
                                                 markers.folder_tier(folder), asan_pass(folder)))
    return "\n".join([BEGIN] + rows + [END])


if __name__ == "__main__":
    generated.main(DOCUMENT, BEGIN, END, table)
