"""Logging: each syslog line and record, its escaping, its facility and
level, what the backends log."""
