"""support: what runas's end-to-end tests (Tests/e2e) are built from.

  paths         where the repository, the staged builds and this package are
  accounts      the accounts a sandbox has, declared by the test that needs them
  sandbox       a throw-away sandbox: its own /etc files, /run, /dev, /usr/local
  cases         SandboxTest: a fresh sandbox for every test of a class
  syslog_sink   the sandbox's /dev/log, read as a syslog daemon would
  terminal      a process on a pseudo-terminal, driven like a keyboard
  procfs        processes as /proc shows them; waiting for them to end
  sanitizer     an ASan report in runas's output fails the test
  artifacts     hardening checks on built ELF files and .deb packages
  packages      a copy-on-write view of the machine to install packages into
  pam_fixture   the test PAM module, built from fixtures/
  edit_fixture  the stub editor and the base class of the -e tests
  scopex_cases  the base classes of the process tests (root running scopex)
  cli_checks    what command-line checks share (the usage-error hint, env(1))
  throttle      the delay after a wrong password
  container     a booted systemd in systemd-nspawn (the systemd tier)
  distro        the platform tier's Debian roots (trixie, sid)
  roots         makes every container root at once (Tests/run.sh, early)
  markers       what a test needs from the runner (alone, shares, tier, ASan)
  runner        runs a tier on all cores: python3 -m support.runner
  testmap       README's map of the tests, made from the folders
  auditmap      SECURITY.md's audit map: the setuid path's files in reading order
  generated     a block of a document a program makes, between markers
  bin/, stubs/, fixtures/: programs and sources the sandbox uses.
"""
