# runas.bash: bash completion for runas (installed as
# $PREFIX/share/bash-completion/completions/runas). Options, users after
# -u and -U, groups after -g, directories after -D, variable names after
# --preserve-env, command names for the command, and once the command has
# started, that command's own completion (through bash-completion's
# _command_offset when it is loaded; plain file names otherwise). With -e
# (or as runasedit) the words after the options are files.

_runas() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local i word edit= prefix=
    COMPREPLY=()
    [[ ${COMP_WORDS[0]##*/} == runasedit ]] && edit=1
    # --user=VALUE: with "=" in COMP_WORDBREAKS (the default) bash makes
    # "--user" "=" "VALUE" of it; without, one word "--user=VALUE".
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*} prefix=${cur%%=*}= cur=${cur#*=}
    fi

    # Where does the command start? Skip options, their values and
    # VAR=VALUE words, as runas's own parser does.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            -u|--user|-g|--group|-p|--prompt|-D|--chdir|--env|--preserve-env|-C|--close-from|-U|--other-user)
                [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
                ((i++)) ;;
            -e|--edit) edit=1 ;;
            --)
                ((i++))
                while ((i < COMP_CWORD)) && [[ ${COMP_WORDS[i]} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do ((i++)); done
                break ;;
            -?*) ;;
            *)
                [[ $word =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || break ;;
        esac
    done
    if ((i < COMP_CWORD)) && [[ -n $edit ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
        return
    fi
    if ((i < COMP_CWORD)); then
        # Inside the command: its arguments.
        if declare -F _command_offset >/dev/null; then
            _command_offset "$i"
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
    fi

    case $prev in
        -u|--user|-U|--other-user)
            COMPREPLY=($(compgen -P "$prefix" -u -- "$cur")); return ;;
        -g|--group)
            COMPREPLY=($(compgen -P "$prefix" -g -- "$cur")); return ;;
        -D|--chdir)
            COMPREPLY=($(compgen -P "$prefix" -d -- "$cur")); return ;;
        --preserve-env)
            local done=${cur%"${cur##*,}"}
            COMPREPLY=($(compgen -P "$prefix$done" -e -- "${cur##*,}")); return ;;
        -p|--prompt|--env|-C|--close-from)
            return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-u --user -g --group -s --shell -i --login -E
            --preserve-env --env -D --chdir --pty --no-pty -H --set-home -n --non-interactive
            -S --stdin -A --askpass -B --bell -p --prompt -k --reset-timestamp
            -K --remove-timestamp -l --list -U --other-user -e --edit -b --background
            -C --close-from -P --preserve-groups -h --help -v -V --version --check --' -- "$cur"))
        return
    fi
    if [[ -n $edit ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -c -- "$cur"))
}
complete -F _runas runas runasedit
