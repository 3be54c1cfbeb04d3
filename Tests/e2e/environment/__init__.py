"""The command's environment: what passes, what never does, -E and
--preserve-env, /etc/runas.env, the SUDO_* variables, through each backend."""
