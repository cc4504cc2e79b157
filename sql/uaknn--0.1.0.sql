-- uaknn 0.1.0: label distribution learning inside PostgreSQL.
\echo Use "CREATE EXTENSION uaknn" to load this file. \quit

------------------------------------------------------------------------------
-- Metrics: scoring stored label distributions
------------------------------------------------------------------------------

-- One metric of a pair; kind is one of ldl_metric_kinds(), any case.
-- real[] arguments are coerced to float8[] by PostgreSQL; a real[] overload
-- would make calls with untyped literals ambiguous.
CREATE FUNCTION ldl_metric(truth float8[], prediction float8[], kind text)
RETURNS float8
AS 'MODULE_PATHNAME', 'ldl_metric'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The six metrics LDL papers report, for one pair.
CREATE FUNCTION ldl_metrics(truth float8[], prediction float8[],
    OUT chebyshev float8, OUT clark float8, OUT canberra float8,
    OUT kl float8, OUT cosine float8, OUT intersection float8)
RETURNS record
AS 'MODULE_PATHNAME', 'ldl_metrics'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ldl_metric_kinds(OUT kind text, OUT better text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'ldl_metric_kinds'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 11;

-- ldl_score(truth, prediction): rows scored and the mean of each standard metric.
CREATE TYPE ldl_scores AS (
    n bigint,
    chebyshev float8, clark float8, canberra float8,
    kl float8, cosine float8, intersection float8
);

CREATE FUNCTION ldl_score_transfn(internal, float8[], float8[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_score_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION ldl_score_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_score_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION ldl_score_serialfn(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'ldl_score_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ldl_score_deserialfn(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_score_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ldl_score_finalfn(internal)
RETURNS ldl_scores
AS 'MODULE_PATHNAME', 'ldl_score_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE ldl_score(truth float8[], prediction float8[]) (
    SFUNC = ldl_score_transfn,
    STYPE = internal,
    SSPACE = 56,
    FINALFUNC = ldl_score_finalfn,
    COMBINEFUNC = ldl_score_combinefn,
    SERIALFUNC = ldl_score_serialfn,
    DESERIALFUNC = ldl_score_deserialfn,
    PARALLEL = SAFE
);
