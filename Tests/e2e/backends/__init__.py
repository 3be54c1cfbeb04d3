"""The backends: the scenarios every backend must pass, then each backend's
own behaviour (scopex; systemd-run and run0 through stubs that run the
command as systemd would)."""
