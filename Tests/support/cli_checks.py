"""cli_checks.py: what the command-line and environment tests share: the
hint every usage error ends with, and the command's environment read back
from env(1)'s output."""

HINT = " (see 'runas --help')"


def env_of(text):
    """env(1)'s output as a dict (lines without "=" are not variables)."""
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
