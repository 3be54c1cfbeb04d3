# runas.fish: fish completion for runas (installed in fish's
# vendor_completions.d). Options, users after -u, groups after -g, then the
# command and its own arguments.

complete -c runas -s u -l user -x -a '(__fish_complete_users)' -d 'Run as this user (name or #UID)'
complete -c runas -s g -l group -x -a '(__fish_complete_groups)' -d 'Primary group (name or #GID)'
complete -c runas -s s -l shell -d 'Run $SHELL (if in /etc/shells) or the target\'s shell'
complete -c runas -s i -l login -d 'Run the target\'s login shell in its home'
complete -c runas -s E -d 'Keep your environment (never LD_* and the like)'
complete -c runas -l preserve-env -x -a '(set -xn)' -d 'Keep these variables (comma separated)'
complete -c runas -l env -x -d 'Set a variable: VAR=VALUE'
complete -c runas -s D -l chdir -x -a '(__fish_complete_directories)' -d 'Run the command in this directory'
complete -c runas -s H -l set-home -d 'HOME is the target\'s (always)'
complete -c runas -s n -l non-interactive -d 'Never prompt'
complete -c runas -s S -l stdin -d 'Read the password from standard input'
complete -c runas -s A -l askpass -d 'Read the password from $RUNAS_ASKPASS'
complete -c runas -s p -l prompt -x -d 'Password prompt'
complete -c runas -s k -l reset-timestamp -d 'Accepted; no credential cache'
complete -c runas -s K -l remove-timestamp -d 'Accepted; no credential cache'
complete -c runas -s l -l list -d 'May you use runas; the path a command resolves to'
complete -c runas -s h -l help -d 'Show the help'
complete -c runas -s v -s V -l version -d 'Show version, traits, backend and ABI'
complete -c runas -l check -d 'Check the installation'
complete -c runas -x -a '(__fish_complete_subcommand --fcs-skip=0)'
