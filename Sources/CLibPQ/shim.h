#ifndef DISRUPT_CLIBPQ_SHIM_H
#define DISRUPT_CLIBPQ_SHIM_H
// Debian installs libpq-fe.h in /usr/include/postgresql; pkg-config adds that path, but
// the fallback keeps the build working where pkg-config is missing.
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
#endif
