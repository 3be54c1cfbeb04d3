/* config.c: build-time constants of the core. install.sh passes
 * -Xcc -DRUNAS_BACKEND_PATH="\"$PREFIX/lib/runas/backend.so\"" (and may pass
 * the others). */
#include "runas_support.h"

#include <string.h>

#ifndef RUNAS_BACKEND_PATH
#define RUNAS_BACKEND_PATH "/usr/local/lib/runas/backend.so"
#endif

const char *runas_config_backend_path(void) { return RUNAS_BACKEND_PATH; }

#ifndef RUNAS_ENV_FILE_PATH
#define RUNAS_ENV_FILE_PATH "/etc/runas.env"
#endif

const char *runas_config_env_file_path(void) { return RUNAS_ENV_FILE_PATH; }

#ifndef RUNAS_TALLY_DIR
#define RUNAS_TALLY_DIR "/run/runas"
#endif

const char *runas_config_tally_directory(void) { return RUNAS_TALLY_DIR; }

#ifndef RUNAS_PAM_CONFIG_PATH
#define RUNAS_PAM_CONFIG_PATH "/etc/pam.d/runas"
#endif

const char *runas_config_pam_config_path(void) { return RUNAS_PAM_CONFIG_PATH; }

#ifndef RUNAS_SYSTEMD_RUN_PATH
#define RUNAS_SYSTEMD_RUN_PATH "/usr/bin/systemd-run"
#endif

#ifndef RUNAS_RUN0_PATH
#define RUNAS_RUN0_PATH "/usr/bin/run0"
#endif

const char *runas_config_service_manager_path(const char *backend_name)
{
    if (strcmp(backend_name, "systemd-run") == 0) return RUNAS_SYSTEMD_RUN_PATH;
    if (strcmp(backend_name, "run0") == 0) return RUNAS_RUN0_PATH;
    return 0;
}

#ifndef RUNAS_SYSTEMCTL_PATH
#define RUNAS_SYSTEMCTL_PATH "/usr/bin/systemctl"
#endif

const char *runas_config_systemctl_path(void) { return RUNAS_SYSTEMCTL_PATH; }

/* Whether a command run as another user on a terminal gets its own
 * pseudo-terminal unless --no-pty says otherwise (install.sh --no-pty-default
 * builds with 0). */
#ifndef RUNAS_USE_PTY_DEFAULT
#define RUNAS_USE_PTY_DEFAULT 1
#endif

int runas_config_use_pty(void) { return RUNAS_USE_PTY_DEFAULT; }
