/* backend_record.c: reading a loaded backend's runas_backend record field
 * by field. A backend of an older minor version has a shorter record, so
 * it is never copied whole, and a field added after 1.0 is read only if
 * struct_size says it is there (RUNAS_HAS_FIELD). */
#include "runas_support.h"

#include <stddef.h>

int runas_backend_record_is_complete(const runas_backend *b) {
    return RUNAS_HAS_FIELD(b, runas_backend, run) && b->name != NULL && b->run != NULL;
}

uint32_t runas_backend_record_flags(const runas_backend *b) {
    return RUNAS_HAS_FIELD(b, runas_backend, flags) ? b->flags : 0;
}

const char *const *runas_backend_record_program_options(const runas_backend *b) {
    return RUNAS_HAS_FIELD(b, runas_backend, program_options) ? b->program_options : NULL;
}
