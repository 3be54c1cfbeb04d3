"""The documents: --help, --version, the man page, the shell completions,
README's pinned blocks and its map of these tests, SECURITY.md's audit map."""
