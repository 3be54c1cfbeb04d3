"""The real systemd-run and run0 of a booted systemd (systemd-nspawn
containers of Debian 13 and 12), not the stubs."""
TIER = "systemd"
