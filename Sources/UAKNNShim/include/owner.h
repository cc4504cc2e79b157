/*
 * owner.h
 *     Fixed statements on the extension's catalog, run as the extension's
 *     owner (owner.c): the writes an ordinary role may not make itself.
 */
#ifndef UAKNN_OWNER_H
#define UAKNN_OWNER_H

#include "postgres.h"

#include "extension.h"

extern uint64 uaknn_run_as_owner(const char *sql, int nargs, Oid *types, Datum *args, int expected);
extern char *uaknn_model_table_sql(const UaknnCatalog *cat);

#endif							/* UAKNN_OWNER_H */
