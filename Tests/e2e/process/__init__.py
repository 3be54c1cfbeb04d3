"""The command's process: its credentials and groups (-P), state, the
process model, signals, job control, the pseudo-terminal, -b and -C."""
