/* config.c: build-time constants of the core. install.sh passes
 * -Xcc -DRUNAS_BACKEND_PATH="\"$PREFIX/lib/runas/backend.so\"". */
#include "runas_support.h"

#ifndef RUNAS_BACKEND_PATH
#define RUNAS_BACKEND_PATH "/usr/local/lib/runas/backend.so"
#endif

const char *runas_config_backend_path(void) { return RUNAS_BACKEND_PATH; }
