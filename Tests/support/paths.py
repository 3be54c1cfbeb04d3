"""paths.py: where the repository, this package, the staged builds and the
installed runas are."""
import os

SUPPORT = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(SUPPORT)
REPO = os.path.dirname(TESTS)
STAGE = os.environ.get("RUNAS_TEST_STAGE", os.path.join(REPO, ".build", "e2e-stage"))
RUNAS = "/usr/local/bin/runas"


def support_file(*parts):
    """A file of this package (bin/enter-sandbox.sh, fixtures/..., stubs/...)."""
    return os.path.join(SUPPORT, *parts)


def stage_dir(core):
    """core: "shadow" or "pam" (or "noexpand": the WithoutExpandEnv build,
    made with install.sh --no-pty-default, scopex beside systemd-run)."""
    path = os.path.join(STAGE, core)
    if not os.path.exists(os.path.join(path, "usr/local/bin/runas")):
        raise RuntimeError("no staged build at %s: run Tests/run.sh" % path)
    return path


def backend_file(core, backend):
    lib = os.path.join(stage_dir(core), "usr/local/lib/runas")
    named = os.path.join(lib, "backend-%s.so" % backend)
    return named if os.path.exists(named) else os.path.join(lib, "backend.so")
