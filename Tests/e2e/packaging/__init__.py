"""Packaging and install: install.sh, the built artifacts, the Debian, RPM
and Arch packages installed in a copy-on-write view of the machine."""
