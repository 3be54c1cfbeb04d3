/*
 * runas_build_config.h: every build-time constant of runas, defined once,
 * for the core, the backends, install.sh and packaging/build.sh alike.
 *
 * The C side reads the values through build_config.c. install.sh and
 * packaging/build.sh read them from this file (a line
 * `#define NAME "value"` each; keep that shape). The ones inside #ifndef
 * may be overridden by install.sh with -DNAME=... (from its environment:
 * PREFIX, SYSTEMD_RUN_PATH, ...); the versions are never overridden.
 */
#ifndef RUNAS_BUILD_CONFIG_H
#define RUNAS_BUILD_CONFIG_H

/* Versions: the core's, and each backend's own. */
#define RUNAS_VERSION "0.5.0"
#define RUNAS_SYSTEMD_RUN_BACKEND_VERSION "0.4.0"
#define RUNAS_RUN0_BACKEND_VERSION "0.4.0"
#define RUNAS_SCOPEX_BACKEND_VERSION "0.6.0"

/* The installation prefix install.sh uses when PREFIX is not given. */
#define RUNAS_DEFAULT_PREFIX "/usr/local"

/* The one backend the core loads ($PREFIX/lib/runas/backend.so). */
#ifndef RUNAS_BACKEND_PATH
#define RUNAS_BACKEND_PATH "/usr/local/lib/runas/backend.so"
#endif

/* The service-manager programs, never looked up in PATH. */
#ifndef RUNAS_SYSTEMD_RUN_PATH
#define RUNAS_SYSTEMD_RUN_PATH "/usr/bin/systemd-run"
#endif
#ifndef RUNAS_RUN0_PATH
#define RUNAS_RUN0_PATH "/usr/bin/run0"
#endif
#ifndef RUNAS_SYSTEMCTL_PATH
#define RUNAS_SYSTEMCTL_PATH "/usr/bin/systemctl"
#endif

/* PATH of every command (and where runas looks the command up), and of
 * the service-manager clients. */
#define RUNAS_SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The administrator's environment overrides, the per-caller password-try
 * records, the PAM service file (only --check reads it). */
#ifndef RUNAS_ENV_FILE_PATH
#define RUNAS_ENV_FILE_PATH "/etc/runas.env"
#endif
#ifndef RUNAS_TALLY_DIR
#define RUNAS_TALLY_DIR "/run/runas"
#endif
#ifndef RUNAS_PAM_CONFIG_PATH
#define RUNAS_PAM_CONFIG_PATH "/etc/pam.d/runas"
#endif

/* -e: the editor when none of RUNAS_EDITOR, SUDO_EDITOR, VISUAL and
 * EDITOR is set (install.sh: /usr/bin/editor on Debian-family systems),
 * and where the caller's copies of the files are made. */
#ifndef RUNAS_DEFAULT_EDITOR
#define RUNAS_DEFAULT_EDITOR "vi"
#endif
#ifndef RUNAS_EDIT_TEMP_DIR
#define RUNAS_EDIT_TEMP_DIR "/var/tmp"
#endif

/* 1: a command run as another user on a terminal gets a pseudo-terminal
 * of its own unless --no-pty (install.sh --no-pty-default: 0). */
#ifndef RUNAS_USE_PTY_DEFAULT
#define RUNAS_USE_PTY_DEFAULT 1
#endif

const char *runas_build_version(void);
/* The version of the backend named "systemd-run", "run0" or "scopex". */
const char *runas_build_backend_version(const char *backend_name);
const char *runas_build_backend_path(void);
const char *runas_build_systemd_run_path(void);
const char *runas_build_run0_path(void);
const char *runas_build_systemctl_path(void);
/* systemd-run's or run0's path by backend name; NULL for other names. */
const char *runas_build_service_manager_path(const char *backend_name);
const char *runas_build_safe_path(void);
const char *runas_build_env_file_path(void);
const char *runas_build_tally_directory(void);
const char *runas_build_pam_config_path(void);
int runas_build_use_pty_default(void);
const char *runas_build_default_editor(void);
const char *runas_build_edit_temp_dir(void);

#endif
