"""artifacts.py: hardening checks on built ELF files and on every ELF file
a set of .deb packages ships (hardening-check, from devscripts)."""
import os
import subprocess
import tempfile


def assert_hardened(case, path, what=None):
    """hardening-check (devscripts) passes on the ELF file at path: PIE,
    stack protector, fortified C calls, full RELRO, BIND_NOW. Control-flow
    protection is not asked: Swift objects carry no IBT/SHSTK marks, and
    the linker sets the property only when every object has it. Returns
    what it printed."""
    p = subprocess.run(["hardening-check", "--nocfprotection", path], capture_output=True, text=True)
    case.assertEqual(p.returncode, 0, (what or path, p.stdout + p.stderr))
    return p.stdout


def shipped_elf_files(debs, tmp):
    """The ELF files (not links) in the .deb files `debs`, unpacked under
    the directory `tmp`, one subdirectory per package."""
    found = []
    for deb in debs:
        root = os.path.join(tmp, os.path.basename(deb))
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        for top, _, files in os.walk(root):
            for name in files:
                path = os.path.join(top, name)
                if os.path.islink(path):
                    continue
                with open(path, "rb") as f:
                    if f.read(4) == b"\x7fELF":
                        found.append(path)
    return found


def assert_debs_hardened(case, debs, count):
    """assert_hardened, with RELRO, immediate binding and fortified C calls
    each said, on every ELF file the .deb files `debs` ship (`count` of
    them)."""
    with tempfile.TemporaryDirectory() as tmp:
        checked = shipped_elf_files(debs, tmp)
        for path in checked:
            said = assert_hardened(case, path)
            case.assertIn("Read-only relocations: yes", said)
            case.assertIn("Immediate binding: yes", said)
            case.assertIn("Fortify Source functions: yes", said)
        case.assertEqual(len(checked), count, checked)
