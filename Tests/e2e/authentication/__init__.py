"""Authentication: the prompt on a terminal, -S, askpass, the shadow file's
entries, PAM stacks and sessions, the password-try throttle, and which runs
ask for no password (-n over every -u, -g and option)."""
