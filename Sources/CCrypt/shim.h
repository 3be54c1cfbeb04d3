/* libcrypt (libxcrypt): crypt_rn, crypt_gensalt_rn. Package: libcrypt-dev. */
#include <crypt.h>
#include <shadow.h>
