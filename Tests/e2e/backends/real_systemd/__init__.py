"""The real systemd-run and run0 of a booted systemd (systemd-nspawn
containers of Debian 13 and 12), not the stubs, and the journal fields
runas logs where journald listens."""
TIER = "systemd"
