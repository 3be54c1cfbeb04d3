"""auditmap.py: SECURITY.md's audit map: every source file on the setuid
path, for the core and for each backend, in the order to read them, with
its line count and what its opening comment says it is. The order is
written here (READING_ORDER); the files each part must list come from its
targets' folders, so a new file fails e2e/documents/test_audit_map.py until
it is placed. python3 -m support.auditmap prints the map; --write puts it
into SECURITY.md between its markers."""
import os
import re

from support import generated
from support.paths import REPO

DOCUMENT = "SECURITY.md"
BEGIN = "<!-- audit map: python3 -m support.auditmap --write (run in Tests/) makes it; a test checks it -->"
END = "<!-- end of audit map -->"
SOURCES = (".swift", ".c", ".h", ".modulemap")

# (part, the folders of its targets, its files in reading order)
READING_ORDER = [
    ("The setuid core (`runas`)", [
        "Sources/runas", "Sources/RunasCore", "Sources/CRunasSupport", "Sources/CCrypt", "Sources/CPAM"], [
        "Sources/runas/Entry.swift",
        "Sources/RunasCore/Runas.swift",
        "Sources/RunasCore/Failure.swift",
        "Sources/RunasCore/Caller/SetuidStart.swift",
        "Sources/CRunasSupport/startup.c",
        "Sources/RunasCore/CommandLine/OptionParser.swift",
        "Sources/RunasCore/CommandLine/Options.swift",
        "Sources/RunasCore/CommandLine/IdSpec.swift",
        "Sources/RunasCore/CommandLine/Version.swift",
        "Sources/RunasCore/Caller/Descriptors.swift",
        "Sources/RunasCore/Accounts/Accounts.swift",
        "Sources/RunasCore/Accounts/Identity.swift",
        "Sources/RunasCore/Policy/Policy.swift",
        "Sources/RunasCore/Policy/PasswordRule.swift",
        "Sources/RunasCore/Caller/ControllingTerminal.swift",
        "Sources/RunasCore/Caller/WorkingDirectory.swift",
        "Sources/RunasCore/Command/CommandResolver.swift",
        "Sources/RunasCore/Command/ShellCommand.swift",
        "Sources/RunasCore/Environment/CommandEnvironment.swift",
        "Sources/RunasCore/Environment/EnvFile.swift",
        "Sources/RunasCore/Caller/Background.swift",
        "Sources/RunasCore/Command/RunDecision.swift",
        "Sources/RunasCore/Throttle/GuessThrottle.swift",
        "Sources/CRunasSupport/record_file.c",
        "Sources/RunasCore/Authentication/Authenticator.swift",
        "Sources/RunasCore/Authentication/PasswordPrompt.swift",
        "Sources/RunasCore/Authentication/PromptTerminal.swift",
        "Sources/CRunasSupport/prompt_signals.c",
        "Sources/RunasCore/Authentication/PromptText.swift",
        "Sources/RunasCore/Authentication/Secret.swift",
        "Sources/RunasCore/Authentication/ShadowAuthenticator.swift",
        "Sources/CCrypt/shim.h",
        "Sources/CCrypt/module.modulemap",
        "Sources/RunasCore/Authentication/PAMAuthenticator.swift",
        "Sources/CRunasSupport/auth_interrupt.c",
        "Sources/CPAM/shim.h",
        "Sources/CPAM/module.modulemap",
        "Sources/RunasCore/Authentication/AskpassHelper.swift",
        "Sources/CRunasSupport/unprivileged_spawn.c",
        "Sources/RunasCore/Command/CStringArray.swift",
        "Sources/RunasCore/Log/SystemLog.swift",
        "Sources/CRunasSupport/syslog.c",
        "Sources/RunasCore/Log/AuditLog.swift",
        "Sources/CRunasSupport/audit.c",
        "Sources/RunasCore/Log/JournalEntry.swift",
        "Sources/CRunasSupport/journal.c",
        "Sources/RunasCore/Backend/BackendLoader.swift",
        "Sources/CRunasSupport/backend_record.c",
        "Sources/RunasCore/Backend/BackendRequest.swift",
        "Sources/RunasCore/Command/CommandStatus.swift",
        "Sources/RunasCore/Editing/EditSession.swift",
        "Sources/RunasCore/Editing/EditorCommand.swift",
        "Sources/RunasCore/Editing/EditPath.swift",
        "Sources/RunasCore/Editing/EditFiles.swift",
        "Sources/RunasCore/Editing/OpenDirectories.swift",
        "Sources/RunasCore/Accounts/ActingIdentity.swift",
        "Sources/RunasCore/Editing/Fingerprint.swift",
        "Sources/RunasCore/Editing/EditWriteBack.swift",
        "Sources/CRunasSupport/edit_signals.c",
        "Sources/RunasCore/Reports/Listing.swift",
        "Sources/RunasCore/Reports/SelfCheck.swift",
        "Sources/CRunasSupport/include/runas_support.h",
    ]),
    ("Shared by the core and every backend", [
        "Sources/SystemEdge", "Sources/CRunasLibc", "Sources/CRunasVisible", "Sources/CRunasBuildConfig",
        "Sources/CRunasBackendABI", "Sources/CRunasSpawn"], [
        "Sources/CRunasBackendABI/include/runas_backend.h",
        "Sources/CRunasBackendABI/abi.c",
        "Sources/CRunasBuildConfig/include/runas_build_config.h",
        "Sources/CRunasBuildConfig/build_config.c",
        "Sources/CRunasLibc/include/runas_libc.h",
        "Sources/CRunasLibc/libc.c",
        "Sources/SystemEdge/Errno.swift",
        "Sources/SystemEdge/FileDescriptor.swift",
        "Sources/SystemEdge/FileStatus.swift",
        "Sources/SystemEdge/WaitStatus.swift",
        "Sources/SystemEdge/MonotonicClock.swift",
        "Sources/CRunasSpawn/include/runas_spawn.h",
        "Sources/CRunasSpawn/spawn.c",
        "Sources/CRunasSpawn/close_descriptors.c",
        "Sources/SystemEdge/ExecFailurePipe.swift",
        "Sources/CRunasVisible/include/runas_visible.h",
        "Sources/CRunasVisible/visible.c",
    ]),
    ("Every backend", ["Plugins/BackendKit", "Plugins/BackendPOSIX", "Plugins/exports.map"], [
        "Plugins/exports.map",
        "Plugins/BackendKit/Descriptor.swift",
        "Plugins/BackendKit/BackendStatus.swift",
        "Plugins/BackendKit/ByteString.swift",
        "Plugins/BackendPOSIX/include/backend_posix.h",
        "Plugins/BackendPOSIX/posix.c",
    ]),
    ("scopex (`backend-scopex.so`)", ["Plugins/scopex", "Plugins/ScopexSupport"], [
        "Plugins/scopex/ScopexBackend.swift",
        "Plugins/ScopexSupport/include/scopex_support.h",
        "Plugins/ScopexSupport/signal_relay.c",
        "Plugins/ScopexSupport/pty.c",
    ]),
    ("systemd-run and run0 (what both share)", ["Plugins/ServiceManagerKit", "Plugins/UnitSignals"], [
        "Plugins/ServiceManagerKit/ServiceManagerExec.swift",
        "Plugins/ServiceManagerKit/ServiceManagerClient.swift",
        "Plugins/UnitSignals/include/unit_signals.h",
        "Plugins/UnitSignals/unit_signals.c",
    ]),
    ("systemd-run (`backend-systemd-run.so`)", ["Plugins/systemd-run"], [
        "Plugins/systemd-run/SystemdRunBackend.swift",
    ]),
    ("run0 (`backend-run0.so`)", ["Plugins/run0"], [
        "Plugins/run0/Run0Backend.swift",
    ]),
]


def sources_in(folders):
    """Every source file in the folders (or the file itself), relative to the repository."""
    found = set()
    for folder in folders:
        path = os.path.join(REPO, folder)
        if os.path.isfile(path):
            found.add(folder)
            continue
        for top, _, files in os.walk(path):
            for name in files:
                if name.endswith(SOURCES):
                    found.add(os.path.relpath(os.path.join(top, name), REPO))
    return found


def lines_of(path):
    with open(os.path.join(REPO, path), errors="replace") as f:
        return sum(1 for _ in f)


def what_it_is(path):
    """The opening comment's first sentence, without the file's own name."""
    if path.endswith(".modulemap"):
        return "The module map that makes the shim header above a Swift module."
    with open(os.path.join(REPO, path), errors="replace") as f:
        head = f.read(2000)
    m = re.match(r"\s*((?://[^\n]*\n\s*)+|/\*.*?\*/)", head, re.S)
    text = m.group(1) if m else ""
    text = re.sub(r"^\s*(//|/\*+|\*/|\*)", "", text, flags=re.M).replace("*/", "")
    text = " ".join(text.split())
    text = re.sub(r"^[\w.+-]+\.(swift|c|h|map|modulemap):\s*", "", text)
    sentence = re.split(r"(?<=\.)\s", text, maxsplit=1)[0] if text else ""
    return (sentence[:117] + "...") if len(sentence) > 120 else sentence


def table():
    out = [BEGIN]
    for part, _, files in READING_ORDER:
        out += ["", "**%s**, %d lines:" % (part, sum(lines_of(f) for f in files)), "",
                "| # | File | Lines | What it is |", "|---|---|---|---|"]
        for n, path in enumerate(files, 1):
            out.append("| %d | `%s` | %d | %s |" % (n, path, lines_of(path), what_it_is(path).replace("|", "\\|")))
    return "\n".join(out + ["", END])


if __name__ == "__main__":
    generated.main(DOCUMENT, BEGIN, END, table)
