"""markers.py: what a test tells the runner (runner.py), on its class or,
for a whole folder, in the folder's __init__.py:

  @alone("why")               the class runs by itself after the parallel
                              part: it uses something machine-wide
  ALONE = "why"               (in __init__.py: every class of the folder)
  @shares("what")             classes that share `what` (a build directory,
                              ...) run one after another in one worker,
                              beside the rest
  @release_build_only("why")  the class is about the release build (its
                              artifacts, install.sh's own builds, packages):
                              left out of the pass against the ASan core
  RELEASE_BUILD_ONLY = "why"  (in __init__.py: every class of the folder)
  TIER = "systemd"            (in __init__.py) the tier the folder's tests
                              belong to; "sandbox" when no folder says
"""
import importlib

TIERS = ("sandbox", "systemd", "platform")


def alone(reason):
    def mark(cls):
        cls.runs_alone = reason
        return cls
    return mark


def shares(resource):
    def mark(cls):
        cls.shares = resource
        return cls
    return mark


def release_build_only(reason):
    def mark(cls):
        cls.release_build_only = reason
        return cls
    return mark


def package_mark(package, name):
    """`name` as the package (a folder's dotted name) or the nearest
    package above it defines it, or None."""
    parts = package.split(".")
    for n in range(len(parts), 0, -1):
        module = importlib.import_module(".".join(parts[:n]))
        if hasattr(module, name):
            return getattr(module, name)
    return None


def folder_mark(module_name, name):
    """package_mark of the folder a test module is in."""
    return package_mark(module_name.rpartition(".")[0], name) if "." in module_name else None


def runs_alone(cls):
    return getattr(cls, "runs_alone", None) or folder_mark(cls.__module__, "ALONE")


def shared_resource(cls):
    return getattr(cls, "shares", None)


def is_release_build_only(cls):
    return getattr(cls, "release_build_only", None) or folder_mark(cls.__module__, "RELEASE_BUILD_ONLY")


def tier(cls):
    return folder_mark(cls.__module__, "TIER") or "sandbox"


def folder_tier(package):
    return package_mark(package, "TIER") or "sandbox"


# What tests share, for @shares: one name per resource.
INSTALL_SH_BUILDS = "install.sh's build directories in the checkout (.build/install-*)"
