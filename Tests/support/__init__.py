"""support: what runas's end-to-end tests are built from (Tests/e2e).

  paths        where the repository, the staged builds and this package are
  accounts     the accounts a sandbox has, declared by the test that needs them
  sandbox      a throw-away sandbox: its own /etc files, /run, /dev, /usr/local
  syslog_sink  the sandbox's /dev/log, read as a syslog daemon would
  terminal     a process on a pseudo-terminal, driven like a keyboard
  procfs       processes as /proc shows them, waiting for them to end
  artifacts    hardening checks on built ELF files and .deb packages
  packages     a copy-on-write view of the machine to install packages into
  container    a booted systemd in systemd-nspawn (real-systemd tier)
  distro       the platform tier's Debian roots (trixie, sid)
  markers      what a test needs from the runner (run alone, tier, ASan pass)
  runner       runs a tier on all cores: python3 -m support.runner
  bin/, stubs/, fixtures/: programs and sources the sandbox uses.
"""
