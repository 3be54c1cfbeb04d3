# runas.fish: fish completion for runas (installed in fish's
# vendor_completions.d). Options, users after -u and -U, groups after -g,
# then the command and its own arguments (files with -e, and for runasedit).

# runas's options as argparse spells them (a value: "=").
set -g __runas_options u/user= g/group= s/shell i/login E preserve-env= env= D/chdir= pty no-pty \
    H/set-home n/non-interactive S/stdin A/askpass B/bell p/prompt= k/reset-timestamp K/remove-timestamp \
    l/list U/other-user= e/edit b/background C/close-from= P/preserve-groups h/help v/version V check

# The words before the cursor from the command on (runas's options and the
# VAR=VALUE words before it skipped, as runas parses them), one per line;
# fails while the command has not started before the cursor. (The
# command's own completion then comes from those words alone: completing
# the whole line again would recurse.)
function __runas_command_words
    set -l words (commandline -opc)
    set -e words[1]
    argparse -s $__runas_options -- $words 2>/dev/null
    or return 1
    while set -q argv[1]; and string match -qr '^[A-Za-z_][A-Za-z0-9_]*=' -- $argv[1]
        set -e argv[1]
    end
    set -q argv[1]; or return 1
    printf "%s\n" $argv
end

# Was -e (--edit) given before the cursor?
function __runas_editing
    set -l words (commandline -opc)
    set -e words[1]
    argparse -s $__runas_options -- $words 2>/dev/null
    and set -q _flag_edit
end

# The command is looked up in runas's safe path, not the caller's.
function __runas_command_names
    set -lx PATH /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin
    __fish_complete_command
end

function __runas_complete_command
    set -l words (__runas_command_words) (commandline -ct)
    set -lx PATH /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin
    __fish_complete_subcommand --commandline $words
end

complete -c runas -n 'not __runas_command_words >/dev/null' -s u -l user -x -a '(__fish_complete_users)' -d 'Run as this user (name or #UID)'
complete -c runas -n 'not __runas_command_words >/dev/null' -s g -l group -x -a '(__fish_complete_groups)' -d 'Primary group (name or #GID)'
complete -c runas -n 'not __runas_command_words >/dev/null' -s s -l shell -d 'Run $SHELL (if in /etc/shells) or the target\'s shell'
complete -c runas -n 'not __runas_command_words >/dev/null' -s i -l login -d 'Run the target\'s login shell in its home'
complete -c runas -n 'not __runas_command_words >/dev/null' -s E -d 'Keep your environment (never LD_* and the like)'
complete -c runas -n 'not __runas_command_words >/dev/null' -l preserve-env -x -a '(set -xn)' -d 'Keep these variables (comma separated)'
complete -c runas -n 'not __runas_command_words >/dev/null' -l env -x -d 'Set a variable: VAR=VALUE'
complete -c runas -n 'not __runas_command_words >/dev/null' -s D -l chdir -x -a '(__fish_complete_directories)' -d 'Run the command in this directory'
complete -c runas -n 'not __runas_command_words >/dev/null' -l pty -d 'Give the command a terminal of its own'
complete -c runas -n 'not __runas_command_words >/dev/null' -l no-pty -d 'No terminal of its own for the command'
complete -c runas -n 'not __runas_command_words >/dev/null' -s H -l set-home -d 'HOME is the target\'s (always)'
complete -c runas -n 'not __runas_command_words >/dev/null' -s n -l non-interactive -d 'Never prompt'
complete -c runas -n 'not __runas_command_words >/dev/null' -s S -l stdin -d 'Read the password from standard input'
complete -c runas -n 'not __runas_command_words >/dev/null' -s A -l askpass -d 'Read the password from $RUNAS_ASKPASS'
complete -c runas -n 'not __runas_command_words >/dev/null' -s B -l bell -d 'Ring the bell before a prompt on the terminal'
complete -c runas -n 'not __runas_command_words >/dev/null' -s p -l prompt -x -d 'Password prompt'
complete -c runas -n 'not __runas_command_words >/dev/null' -s k -l reset-timestamp -d 'Accepted; no credential cache'
complete -c runas -n 'not __runas_command_words >/dev/null' -s K -l remove-timestamp -d 'Accepted; no credential cache'
complete -c runas -n 'not __runas_command_words >/dev/null' -s l -l list -d 'May you use runas; the path a command resolves to'
complete -c runas -n 'not __runas_command_words >/dev/null' -s U -l other-user -x -a '(__fish_complete_users)' -d 'With -l: may this user use runas'
complete -c runas -n 'not __runas_command_words >/dev/null' -s e -l edit -d 'Edit files as the target (your editor, as you, on copies)'
complete -c runas -n 'not __runas_command_words >/dev/null' -s b -l background -d 'Start the command in the background'
complete -c runas -n 'not __runas_command_words >/dev/null' -s C -l close-from -x -d 'Keep descriptors 3 to N-1 open (scopex)'
complete -c runas -n 'not __runas_command_words >/dev/null' -s P -l preserve-groups -d 'Keep your supplementary groups'
complete -c runas -n 'not __runas_command_words >/dev/null' -s h -l help -d 'Show the help'
complete -c runas -n 'not __runas_command_words >/dev/null' -s v -s V -l version -d 'Show version, traits, backend and ABI'
complete -c runas -n 'not __runas_command_words >/dev/null' -l check -d 'Check the installation'
complete -c runas -n 'not __runas_command_words >/dev/null; and not __runas_editing' -x -a '(__runas_command_names)'
complete -c runas -n '__runas_command_words >/dev/null; and not __runas_editing' -x -a '(__runas_complete_command)'
complete -c runas -n '__runas_editing' -F

# runasedit: runas -e by another name; its words are files.
complete -c runasedit -s u -l user -x -a '(__fish_complete_users)' -d 'Edit as this user (name or #UID)'
complete -c runasedit -s g -l group -x -a '(__fish_complete_groups)' -d 'With this group (name or #GID)'
complete -c runasedit -s n -l non-interactive -d 'Never prompt'
complete -c runasedit -s S -l stdin -d 'Read the password from standard input'
complete -c runasedit -s A -l askpass -d 'Read the password from $RUNAS_ASKPASS'
complete -c runasedit -s B -l bell -d 'Ring the bell before a prompt on the terminal'
complete -c runasedit -s p -l prompt -x -d 'Password prompt'
complete -c runasedit -s h -l help -d 'Show the help'
