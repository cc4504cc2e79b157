/* The ABI target is header-only; SwiftPM wants one source file per C target. */
#include "uaknn_abi.h"
