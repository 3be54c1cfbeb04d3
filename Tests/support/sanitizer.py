"""sanitizer.py: an AddressSanitizer build of the core (Tests/run.sh's
ASan pass) writes its reports to stderr or the terminal; any report fails
the test that caused it, whatever the test itself asserts."""
import re

SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak|Undefined\w*)Sanitizer|SUMMARY: \w+Sanitizer")


def check_sanitizer(text):
    m = SANITIZER_REPORT.search(text)
    if m:
        raise AssertionError("sanitizer report from runas:\n" + text[max(0, m.start() - 200):][:4000])
