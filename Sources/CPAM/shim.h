/* Linux-PAM application interface. Package: libpam0g-dev. */
#include <security/pam_appl.h>
