// SPDX-License-Identifier: MIT
/* The library's version (uiodma/version.h). */
#include <uiodma/version.h>

#include "internal.h"

UD_EXPORT unsigned int ud_version(void)
{
	return UIODMA_VERSION;
}
