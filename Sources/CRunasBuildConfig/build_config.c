/* build_config.c: the values of runas_build_config.h, as the core and
 * each backend were compiled with them. */
#include "runas_build_config.h"

#include <string.h>

const char *runas_build_version(void) { return RUNAS_VERSION; }

const char *runas_build_backend_version(const char *backend_name) {
    if (strcmp(backend_name, "systemd-run") == 0) return RUNAS_SYSTEMD_RUN_BACKEND_VERSION;
    if (strcmp(backend_name, "run0") == 0) return RUNAS_RUN0_BACKEND_VERSION;
    if (strcmp(backend_name, "scopex") == 0) return RUNAS_SCOPEX_BACKEND_VERSION;
    return "unknown";
}

const char *runas_build_backend_path(void) { return RUNAS_BACKEND_PATH; }
const char *runas_build_systemd_run_path(void) { return RUNAS_SYSTEMD_RUN_PATH; }
const char *runas_build_run0_path(void) { return RUNAS_RUN0_PATH; }
const char *runas_build_systemctl_path(void) { return RUNAS_SYSTEMCTL_PATH; }

const char *runas_build_service_manager_path(const char *backend_name) {
    if (strcmp(backend_name, "systemd-run") == 0) return RUNAS_SYSTEMD_RUN_PATH;
    if (strcmp(backend_name, "run0") == 0) return RUNAS_RUN0_PATH;
    return 0;
}

const char *runas_build_safe_path(void) { return RUNAS_SAFE_PATH; }
const char *runas_build_env_file_path(void) { return RUNAS_ENV_FILE_PATH; }
const char *runas_build_tally_directory(void) { return RUNAS_TALLY_DIR; }
const char *runas_build_pam_config_path(void) { return RUNAS_PAM_CONFIG_PATH; }
int runas_build_use_pty_default(void) { return RUNAS_USE_PTY_DEFAULT; }
const char *runas_build_default_editor(void) { return RUNAS_DEFAULT_EDITOR; }
const char *runas_build_edit_temp_dir(void) { return RUNAS_EDIT_TEMP_DIR; }
