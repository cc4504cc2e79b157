/*
 * extension.h
 *     The extension's own objects (schema, owner, catalog tables, their
 *     indexes and columns), looked up from the system catalogs in C, once
 *     per installation of the extension in this backend.
 */
#ifndef UAKNN_EXTENSION_H
#define UAKNN_EXTENSION_H

#include "postgres.h"

#include "access/attnum.h"

typedef struct UaknnCatalog
{
	Oid			extension;		/* pg_extension's oid: new when recreated */
	Oid			schema;
	Oid			owner;

	/* uaknn_model and its indexes on id and on name */
	Oid			model;
	Oid			model_by_id;
	Oid			model_by_name;
	AttrNumber	m_id,
				m_name,
				m_source,
				m_key,
				m_features,
				m_labels,
				m_options,
				m_n,
				m_l,
				m_version,
				m_tuned,		/* 0 where the installed version lacks it */
				m_fit_id,		/* the fit (docs/tuning.md): 0 where lacking */
				m_feature_stats,
				m_maxent;

	/* uaknn_change and its indexes on (model_id, version), (model_id, writer) */
	Oid			change;
	Oid			change_by_version;
	Oid			change_by_writer;	/* invalid in 0.1.0 */
	Oid			version_seq;	/* uaknn_version_seq: every log row's version */
	AttrNumber	c_model,
				c_version,
				c_writer,
				c_kind,
				c_inserted,
				c_horizon;

	/*
	 * 0.1.0's layout (between installing this library and ALTER EXTENSION
	 * UPDATE): the change log has no writers, every change bumps the model's
	 * version and caches reload in full.
	 */
	bool		v1;
} UaknnCatalog;

extern const UaknnCatalog *uaknn_catalog(void);
extern const UaknnCatalog *uaknn_catalog_if_installed(void);

#endif							/* UAKNN_EXTENSION_H */
