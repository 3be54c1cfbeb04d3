"""throttle.py: what the tests of password tries share: the delay runas
waits after each wrong password (a wrong try must take at least this long,
whatever made it wrong)."""

MIN_DELAY = 1.5       # seconds after each wrong password
