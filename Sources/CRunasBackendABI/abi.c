/* Header-only target: the backend ABI lives in include/runas_backend.h. */
