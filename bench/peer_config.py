"""peer_config.py: what both modes of bench/run.sh give the peers and runas,
so that every command is asked the same thing: sudoers (read by sudo and
sudo-rs), doas.conf, runas's PAM service as install.sh writes it on Debian,
and the line that names the machine.
"""
import os
import platform

# Debian's default sudoers, plus the wheel group and no credential cache
# (runas has none: every run with -S must check the password).
SUDOERS = """Defaults env_reset
Defaults mail_badpass
Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
Defaults use_pty
Defaults timestamp_timeout=0
root ALL=(ALL:ALL) ALL
%wheel ALL=(ALL:ALL) ALL
"""
DOAS_CONF = "permit nopass root\npermit :wheel\n"
RUNAS_PAM_SERVICE = ("@include common-auth\n@include common-account\n@include common-password\n"
                     "@include common-session-noninteractive\n")


def machine():
    """CPU model, CPU count and kernel of this machine."""
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return "%s, %d CPUs, Linux %s" % (model, os.cpu_count(), platform.release())
