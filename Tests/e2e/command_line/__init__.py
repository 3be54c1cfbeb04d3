"""The command line: option forms and conflicts, usage errors, user and group
ids, -s/-i shell commands, -l/-U listing, --check, -k/-K, the peers' options
runas refuses."""
