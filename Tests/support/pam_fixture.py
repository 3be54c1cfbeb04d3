"""pam_fixture.py: the test PAM module (fixtures/pam_runas_test.c), for what
no stock module does: change PAM_USER, send odd conversation messages."""
import os
import subprocess

from support.paths import support_file


def pam_test_module(directory):
    """Builds the fixture module into `directory` (readable by root only is fine)."""
    out = os.path.join(directory, "pam_runas_test.so")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", out, support_file("fixtures", "pam_runas_test.c"),
                    "-lpam"], check=True)
    return out
