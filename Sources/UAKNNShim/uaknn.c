/*
 * uaknn.c
 *     The module's entry: magic block and load-time setup.
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
