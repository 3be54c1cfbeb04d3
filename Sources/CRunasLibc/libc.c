/* libc.c: CRunasLibc is header-only (inline helpers); SwiftPM needs one
 * source file to build a C target. */
#include "runas_libc.h"
