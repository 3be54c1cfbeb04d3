"""The setuid boundary: who may run runas at all, installs that are broken
or not really root's, odd account databases, the start-up scrub, and
everything a refused run does before a password (the inventory)."""
