-- supaform stand-in of pgvector 0.8.0 (extension "vector"), pure SQL, no shared library.
--
-- Declares the objects of pgvector 0.8.0's sql/vector.sql under the same names and
-- signatures: the types vector, halfvec and sparsevec (with typmods), their functions,
-- operators, casts, aggregates, the access methods ivfflat and hnsw and every operator
-- class. Differences from the real extension:
--   * Values are stored as their text; input is not validated or normalised
--     ('[1, 2,3]' is kept as typed). Dimensions are checked only when a typmod applies
--     (vector(3)) and by the array casts.
--   * Distances, norms, arithmetic, comparisons, casts and avg/sum are computed in SQL:
--     correct, but slow.
--   * ivfflat and hnsw run on PostgreSQL's hash index machinery: CREATE INDEX and
--     inserts work, the indexes are never used by a scan, ORDER BY embedding <=> q is a
--     sort. Index options (WITH (m = 16, ef_construction = 64), WITH (lists = 100)) are
--     rejected: no pure-SQL access method can accept them.
--   * Binary I/O (send/recv) is the text's, not pgvector's binary format.
--
-- Interface derived from pgvector (https://github.com/pgvector/pgvector), PostgreSQL
-- License, Portions Copyright (c) 1996-2024, PostgreSQL Global Development Group,
-- Portions Copyright (c) 1994, The Regents of the University of California.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION vector" to load this file. \quit

-- The function bodies are SQL-standard (RETURN ...), parsed now with this extension's
-- schema on the search_path, so they keep working whatever the caller's search_path is.
-- The plpgsql bodies reference nothing of the extension by name.

-- vector type ------------------------------------------------------------------------

CREATE TYPE vector;

CREATE FUNCTION vector_in(cstring, oid, integer) RETURNS vector
	AS 'textin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vector_out(vector) RETURNS cstring
	AS 'textout' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

-- bit's typmod input: one positive integer, stored as is (vector(1536) -> 1536).
CREATE FUNCTION vector_typmod_in(cstring[]) RETURNS integer
	AS 'bittypmodin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vector_recv(internal, oid, integer) RETURNS vector
	AS 'textrecv' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vector_send(vector) RETURNS bytea
	AS 'textsend' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vector (
	INPUT     = vector_in,
	OUTPUT    = vector_out,
	TYPMOD_IN = vector_typmod_in,
	RECEIVE   = vector_recv,
	SEND      = vector_send,
	STORAGE   = external
);

-- vector cast functions (first: the other bodies use them) ----------------------------

CREATE FUNCTION vector_to_float4(vector, integer, boolean) RETURNS real[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN string_to_array(btrim($1::text, '[] '), ',')::real[];

CREATE FUNCTION vector(vector, integer, boolean) RETURNS vector
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	n integer := cardinality(string_to_array(btrim($1::text, '[] '), ','));
BEGIN
	IF $2 >= 0 AND n <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, n USING ERRCODE = '22000';
	END IF;
	RETURN $1;
END
$$;

CREATE FUNCTION array_to_vector(integer[], integer, boolean) RETURNS vector
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
	IF cardinality($1) < 1 THEN
		RAISE EXCEPTION 'vector must have at least 1 dimension' USING ERRCODE = '22000';
	END IF;
	IF array_position($1, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'array must not contain nulls' USING ERRCODE = '22004';
	END IF;
	IF $2 >= 0 AND cardinality($1) <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, cardinality($1) USING ERRCODE = '22000';
	END IF;
	RETURN '[' || array_to_string($1, ',') || ']';
END
$$;

CREATE FUNCTION array_to_vector(real[], integer, boolean) RETURNS vector
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
	IF cardinality($1) < 1 THEN
		RAISE EXCEPTION 'vector must have at least 1 dimension' USING ERRCODE = '22000';
	END IF;
	IF array_position($1, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'array must not contain nulls' USING ERRCODE = '22004';
	END IF;
	IF $2 >= 0 AND cardinality($1) <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, cardinality($1) USING ERRCODE = '22000';
	END IF;
	RETURN '[' || array_to_string($1, ',') || ']';
END
$$;

CREATE FUNCTION array_to_vector(double precision[], integer, boolean) RETURNS vector
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
	IF cardinality($1) < 1 THEN
		RAISE EXCEPTION 'vector must have at least 1 dimension' USING ERRCODE = '22000';
	END IF;
	IF array_position($1, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'array must not contain nulls' USING ERRCODE = '22004';
	END IF;
	IF $2 >= 0 AND cardinality($1) <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, cardinality($1) USING ERRCODE = '22000';
	END IF;
	RETURN '[' || array_to_string($1::real[], ',') || ']';
END
$$;

CREATE FUNCTION array_to_vector(numeric[], integer, boolean) RETURNS vector
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
	IF cardinality($1) < 1 THEN
		RAISE EXCEPTION 'vector must have at least 1 dimension' USING ERRCODE = '22000';
	END IF;
	IF array_position($1, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'array must not contain nulls' USING ERRCODE = '22004';
	END IF;
	IF $2 >= 0 AND cardinality($1) <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, cardinality($1) USING ERRCODE = '22000';
	END IF;
	RETURN '[' || array_to_string($1::real[], ',') || ']';
END
$$;

-- vector functions --------------------------------------------------------------------

CREATE FUNCTION l2_distance(vector, vector) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT sqrt(sum((x::float8 - y::float8) ^ 2))
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) AS t(x, y));

CREATE FUNCTION inner_product(vector, vector) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT sum(x::float8 * y::float8)
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) AS t(x, y));

CREATE FUNCTION cosine_distance(vector, vector) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT CASE WHEN sum(x::float8 * x) = 0 OR sum(y::float8 * y) = 0 THEN 'NaN'::float8
		ELSE 1 - greatest(-1, least(1, sum(x::float8 * y) / sqrt(sum(x::float8 * x) * sum(y::float8 * y)))) END
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) AS t(x, y));

CREATE FUNCTION l1_distance(vector, vector) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT sum(abs(x::float8 - y::float8))
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) AS t(x, y));

CREATE FUNCTION vector_dims(vector) RETURNS integer
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN cardinality(vector_to_float4($1, -1, false));

CREATE FUNCTION vector_norm(vector) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT sqrt(sum(x::float8 * x)) FROM unnest(vector_to_float4($1, -1, false)) AS t(x));

CREATE FUNCTION l2_normalize(vector) RETURNS vector
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT array_to_vector(array_agg(CASE WHEN n.norm > 0 THEN x / n.norm ELSE x END ORDER BY o), -1, false)
		FROM unnest(vector_to_float4($1, -1, false)::float8[]) WITH ORDINALITY AS t(x, o),
			(SELECT sqrt(sum(y::float8 * y)) AS norm FROM unnest(vector_to_float4($1, -1, false)) AS u(y)) AS n);

CREATE FUNCTION binary_quantize(vector) RETURNS bit
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT string_agg(CASE WHEN x > 0 THEN '1' ELSE '0' END, '' ORDER BY o)
		FROM unnest(vector_to_float4($1, -1, false)) WITH ORDINALITY AS t(x, o))::varbit;

CREATE FUNCTION subvector(vector, int, int) RETURNS vector
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN array_to_vector((vector_to_float4($1, -1, false))[$2:$2 + $3 - 1], -1, false);

-- vector private functions

CREATE FUNCTION vector_add(vector, vector) RETURNS vector
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT array_to_vector(array_agg(x + y ORDER BY o), -1, false)
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) WITH ORDINALITY AS t(x, y, o));

CREATE FUNCTION vector_sub(vector, vector) RETURNS vector
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT array_to_vector(array_agg(x - y ORDER BY o), -1, false)
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) WITH ORDINALITY AS t(x, y, o));

CREATE FUNCTION vector_mul(vector, vector) RETURNS vector
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT array_to_vector(array_agg(x * y ORDER BY o), -1, false)
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) WITH ORDINALITY AS t(x, y, o));

CREATE FUNCTION vector_concat(vector, vector) RETURNS vector
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN array_to_vector(vector_to_float4($1, -1, false) || vector_to_float4($2, -1, false), -1, false);

-- element by element, then the shorter vector first (as pgvector)
CREATE FUNCTION vector_cmp(vector, vector) RETURNS int4
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN coalesce((SELECT CASE WHEN x IS NULL THEN -1 WHEN y IS NULL THEN 1 WHEN x < y THEN -1 ELSE 1 END
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) WITH ORDINALITY AS t(x, y, o)
		WHERE x IS DISTINCT FROM y ORDER BY o LIMIT 1), 0);

CREATE FUNCTION vector_lt(vector, vector) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN vector_cmp($1, $2) < 0;

CREATE FUNCTION vector_le(vector, vector) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN vector_cmp($1, $2) <= 0;

CREATE FUNCTION vector_eq(vector, vector) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN vector_cmp($1, $2) = 0;

CREATE FUNCTION vector_ne(vector, vector) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN vector_cmp($1, $2) <> 0;

CREATE FUNCTION vector_ge(vector, vector) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN vector_cmp($1, $2) >= 0;

CREATE FUNCTION vector_gt(vector, vector) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN vector_cmp($1, $2) > 0;

CREATE FUNCTION vector_l2_squared_distance(vector, vector) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT sum((x::float8 - y::float8) ^ 2)
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) AS t(x, y));

CREATE FUNCTION vector_negative_inner_product(vector, vector) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT -sum(x::float8 * y::float8)
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) AS t(x, y));

CREATE FUNCTION vector_spherical_distance(vector, vector) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT acos(greatest(-1, least(1, sum(x::float8 * y::float8)))) / pi()
		FROM unnest(vector_to_float4($1, -1, false), vector_to_float4($2, -1, false)) AS t(x, y));

-- state: {count, sum_1, ..., sum_n}
CREATE FUNCTION vector_accum(double precision[], vector) RETURNS double precision[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT array_agg(v ORDER BY i) FROM (
		SELECT 1::bigint AS i, $1[1] + 1 AS v
		UNION ALL
		SELECT o + 1, coalesce($1[o + 1], 0) + x
		FROM unnest(vector_to_float4($2, -1, false)) WITH ORDINALITY AS t(x, o)) AS s);

CREATE FUNCTION vector_avg(double precision[]) RETURNS vector
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN CASE WHEN $1[1] > 0 THEN
		(SELECT array_to_vector(array_agg(x / $1[1] ORDER BY o), -1, false)
		 FROM unnest($1[2:]) WITH ORDINALITY AS t(x, o)) END;

CREATE FUNCTION vector_combine(double precision[], double precision[]) RETURNS double precision[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY o)
		FROM unnest($1, $2) WITH ORDINALITY AS t(x, y, o));

-- vector aggregates

CREATE AGGREGATE avg(vector) (
	SFUNC = vector_accum,
	STYPE = double precision[],
	FINALFUNC = vector_avg,
	COMBINEFUNC = vector_combine,
	INITCOND = '{0}',
	PARALLEL = SAFE
);

CREATE AGGREGATE sum(vector) (
	SFUNC = vector_add,
	STYPE = vector,
	COMBINEFUNC = vector_add,
	PARALLEL = SAFE
);

-- vector casts

CREATE CAST (vector AS vector)
	WITH FUNCTION vector(vector, integer, boolean) AS IMPLICIT;

CREATE CAST (vector AS real[])
	WITH FUNCTION vector_to_float4(vector, integer, boolean) AS IMPLICIT;

CREATE CAST (integer[] AS vector)
	WITH FUNCTION array_to_vector(integer[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (real[] AS vector)
	WITH FUNCTION array_to_vector(real[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (double precision[] AS vector)
	WITH FUNCTION array_to_vector(double precision[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (numeric[] AS vector)
	WITH FUNCTION array_to_vector(numeric[], integer, boolean) AS ASSIGNMENT;

-- vector operators

CREATE OPERATOR <-> (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = l2_distance,
	COMMUTATOR = '<->'
);

CREATE OPERATOR <#> (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_negative_inner_product,
	COMMUTATOR = '<#>'
);

CREATE OPERATOR <=> (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = cosine_distance,
	COMMUTATOR = '<=>'
);

CREATE OPERATOR <+> (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = l1_distance,
	COMMUTATOR = '<+>'
);

CREATE OPERATOR + (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_add,
	COMMUTATOR = +
);

CREATE OPERATOR - (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_sub
);

CREATE OPERATOR * (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_mul,
	COMMUTATOR = *
);

CREATE OPERATOR || (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_concat
);

CREATE OPERATOR < (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_lt,
	COMMUTATOR = > , NEGATOR = >= ,
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);

CREATE OPERATOR <= (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_le,
	COMMUTATOR = >= , NEGATOR = > ,
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);

CREATE OPERATOR = (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_eq,
	COMMUTATOR = = , NEGATOR = <> ,
	RESTRICT = eqsel, JOIN = eqjoinsel
);

CREATE OPERATOR <> (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_ne,
	COMMUTATOR = <> , NEGATOR = = ,
	RESTRICT = eqsel, JOIN = eqjoinsel
);

CREATE OPERATOR >= (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_ge,
	COMMUTATOR = <= , NEGATOR = < ,
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR > (
	LEFTARG = vector, RIGHTARG = vector, PROCEDURE = vector_gt,
	COMMUTATOR = < , NEGATOR = <= ,
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);

-- access methods
--
-- Both run on the hash index AM (bthandler cannot be used: btree's build refuses an
-- access method whose OID is not btree's, "unexpected non-btree AM"). Their operator
-- classes hold one member, support function 1 = pg_catalog.hashvarlena(internal) over
-- the value's bytes, and no operator, so no plan ever scans them.

CREATE FUNCTION ivfflathandler(internal) RETURNS index_am_handler
	AS 'hashhandler' LANGUAGE internal;

CREATE ACCESS METHOD ivfflat TYPE INDEX HANDLER ivfflathandler;

COMMENT ON ACCESS METHOD ivfflat IS 'ivfflat index access method';

CREATE FUNCTION hnswhandler(internal) RETURNS index_am_handler
	AS 'hashhandler' LANGUAGE internal;

CREATE ACCESS METHOD hnsw TYPE INDEX HANDLER hnswhandler;

COMMENT ON ACCESS METHOD hnsw IS 'hnsw index access method';

-- access method private functions (never called here; bound to a planner-support
-- built-in that returns NULL for anything it does not know)

CREATE FUNCTION ivfflat_halfvec_support(internal) RETURNS internal
	AS 'textlike_support' LANGUAGE internal;

CREATE FUNCTION ivfflat_bit_support(internal) RETURNS internal
	AS 'textlike_support' LANGUAGE internal;

CREATE FUNCTION hnsw_halfvec_support(internal) RETURNS internal
	AS 'textlike_support' LANGUAGE internal;

CREATE FUNCTION hnsw_bit_support(internal) RETURNS internal
	AS 'textlike_support' LANGUAGE internal;

CREATE FUNCTION hnsw_sparsevec_support(internal) RETURNS internal
	AS 'textlike_support' LANGUAGE internal;

-- vector opclasses

CREATE OPERATOR CLASS vector_ops
	DEFAULT FOR TYPE vector USING btree AS
	OPERATOR 1 < ,
	OPERATOR 2 <= ,
	OPERATOR 3 = ,
	OPERATOR 4 >= ,
	OPERATOR 5 > ,
	FUNCTION 1 vector_cmp(vector, vector);

CREATE OPERATOR CLASS vector_l2_ops
	DEFAULT FOR TYPE vector USING ivfflat AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS vector_ip_ops
	FOR TYPE vector USING ivfflat AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS vector_cosine_ops
	FOR TYPE vector USING ivfflat AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS vector_l2_ops
	FOR TYPE vector USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS vector_ip_ops
	FOR TYPE vector USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS vector_cosine_ops
	FOR TYPE vector USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS vector_l1_ops
	FOR TYPE vector USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

-- halfvec type ------------------------------------------------------------------------

CREATE TYPE halfvec;

CREATE FUNCTION halfvec_in(cstring, oid, integer) RETURNS halfvec
	AS 'textin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION halfvec_out(halfvec) RETURNS cstring
	AS 'textout' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION halfvec_typmod_in(cstring[]) RETURNS integer
	AS 'bittypmodin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION halfvec_recv(internal, oid, integer) RETURNS halfvec
	AS 'textrecv' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION halfvec_send(halfvec) RETURNS bytea
	AS 'textsend' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE halfvec (
	INPUT     = halfvec_in,
	OUTPUT    = halfvec_out,
	TYPMOD_IN = halfvec_typmod_in,
	RECEIVE   = halfvec_recv,
	SEND      = halfvec_send,
	STORAGE   = external
);

-- halfvec cast functions (halfvec and vector share the text form '[1,2,3]')

CREATE FUNCTION halfvec(halfvec, integer, boolean) RETURNS halfvec
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	n integer := cardinality(string_to_array(btrim($1::text, '[] '), ','));
BEGIN
	IF $2 >= 0 AND n <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, n USING ERRCODE = '22000';
	END IF;
	RETURN $1;
END
$$;

CREATE FUNCTION halfvec_to_vector(halfvec, integer, boolean) RETURNS vector
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	n integer := cardinality(string_to_array(btrim($1::text, '[] '), ','));
BEGIN
	IF $2 >= 0 AND n <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, n USING ERRCODE = '22000';
	END IF;
	RETURN $1::text;
END
$$;

CREATE FUNCTION vector_to_halfvec(vector, integer, boolean) RETURNS halfvec
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	n integer := cardinality(string_to_array(btrim($1::text, '[] '), ','));
BEGIN
	IF $2 >= 0 AND n <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, n USING ERRCODE = '22000';
	END IF;
	RETURN $1::text;
END
$$;

CREATE FUNCTION array_to_halfvec(integer[], integer, boolean) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(array_to_vector($1, $2, $3), -1, false);

CREATE FUNCTION array_to_halfvec(real[], integer, boolean) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(array_to_vector($1, $2, $3), -1, false);

CREATE FUNCTION array_to_halfvec(double precision[], integer, boolean) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(array_to_vector($1, $2, $3), -1, false);

CREATE FUNCTION array_to_halfvec(numeric[], integer, boolean) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(array_to_vector($1, $2, $3), -1, false);

CREATE FUNCTION halfvec_to_float4(halfvec, integer, boolean) RETURNS real[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN string_to_array(btrim($1::text, '[] '), ',')::real[];

-- halfvec functions

CREATE FUNCTION l2_distance(halfvec, halfvec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN l2_distance(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false));

CREATE FUNCTION inner_product(halfvec, halfvec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN inner_product(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false));

CREATE FUNCTION cosine_distance(halfvec, halfvec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN cosine_distance(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false));

CREATE FUNCTION l1_distance(halfvec, halfvec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN l1_distance(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false));

CREATE FUNCTION vector_dims(halfvec) RETURNS integer
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_dims(halfvec_to_vector($1, -1, false));

CREATE FUNCTION l2_norm(halfvec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_norm(halfvec_to_vector($1, -1, false));

CREATE FUNCTION l2_normalize(halfvec) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(l2_normalize(halfvec_to_vector($1, -1, false)), -1, false);

CREATE FUNCTION binary_quantize(halfvec) RETURNS bit
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN binary_quantize(halfvec_to_vector($1, -1, false));

CREATE FUNCTION subvector(halfvec, int, int) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(subvector(halfvec_to_vector($1, -1, false), $2, $3), -1, false);

-- halfvec private functions

CREATE FUNCTION halfvec_add(halfvec, halfvec) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(vector_add(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false)), -1, false);

CREATE FUNCTION halfvec_sub(halfvec, halfvec) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(vector_sub(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false)), -1, false);

CREATE FUNCTION halfvec_mul(halfvec, halfvec) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(vector_mul(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false)), -1, false);

CREATE FUNCTION halfvec_concat(halfvec, halfvec) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(vector_concat(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false)), -1, false);

CREATE FUNCTION halfvec_cmp(halfvec, halfvec) RETURNS int4
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_cmp(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false));

CREATE FUNCTION halfvec_lt(halfvec, halfvec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN halfvec_cmp($1, $2) < 0;

CREATE FUNCTION halfvec_le(halfvec, halfvec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN halfvec_cmp($1, $2) <= 0;

CREATE FUNCTION halfvec_eq(halfvec, halfvec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN halfvec_cmp($1, $2) = 0;

CREATE FUNCTION halfvec_ne(halfvec, halfvec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN halfvec_cmp($1, $2) <> 0;

CREATE FUNCTION halfvec_ge(halfvec, halfvec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN halfvec_cmp($1, $2) >= 0;

CREATE FUNCTION halfvec_gt(halfvec, halfvec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN halfvec_cmp($1, $2) > 0;

CREATE FUNCTION halfvec_l2_squared_distance(halfvec, halfvec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_l2_squared_distance(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false));

CREATE FUNCTION halfvec_negative_inner_product(halfvec, halfvec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_negative_inner_product(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false));

CREATE FUNCTION halfvec_spherical_distance(halfvec, halfvec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_spherical_distance(halfvec_to_vector($1, -1, false), halfvec_to_vector($2, -1, false));

CREATE FUNCTION halfvec_accum(double precision[], halfvec) RETURNS double precision[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_accum($1, halfvec_to_vector($2, -1, false));

CREATE FUNCTION halfvec_avg(double precision[]) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(vector_avg($1), -1, false);

CREATE FUNCTION halfvec_combine(double precision[], double precision[]) RETURNS double precision[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_combine($1, $2);

-- halfvec aggregates

CREATE AGGREGATE avg(halfvec) (
	SFUNC = halfvec_accum,
	STYPE = double precision[],
	FINALFUNC = halfvec_avg,
	COMBINEFUNC = halfvec_combine,
	INITCOND = '{0}',
	PARALLEL = SAFE
);

CREATE AGGREGATE sum(halfvec) (
	SFUNC = halfvec_add,
	STYPE = halfvec,
	COMBINEFUNC = halfvec_add,
	PARALLEL = SAFE
);

-- halfvec casts

CREATE CAST (halfvec AS halfvec)
	WITH FUNCTION halfvec(halfvec, integer, boolean) AS IMPLICIT;

CREATE CAST (halfvec AS vector)
	WITH FUNCTION halfvec_to_vector(halfvec, integer, boolean) AS ASSIGNMENT;

CREATE CAST (vector AS halfvec)
	WITH FUNCTION vector_to_halfvec(vector, integer, boolean) AS IMPLICIT;

CREATE CAST (halfvec AS real[])
	WITH FUNCTION halfvec_to_float4(halfvec, integer, boolean) AS ASSIGNMENT;

CREATE CAST (integer[] AS halfvec)
	WITH FUNCTION array_to_halfvec(integer[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (real[] AS halfvec)
	WITH FUNCTION array_to_halfvec(real[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (double precision[] AS halfvec)
	WITH FUNCTION array_to_halfvec(double precision[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (numeric[] AS halfvec)
	WITH FUNCTION array_to_halfvec(numeric[], integer, boolean) AS ASSIGNMENT;

-- halfvec operators

CREATE OPERATOR <-> (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = l2_distance,
	COMMUTATOR = '<->'
);

CREATE OPERATOR <#> (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_negative_inner_product,
	COMMUTATOR = '<#>'
);

CREATE OPERATOR <=> (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = cosine_distance,
	COMMUTATOR = '<=>'
);

CREATE OPERATOR <+> (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = l1_distance,
	COMMUTATOR = '<+>'
);

CREATE OPERATOR + (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_add,
	COMMUTATOR = +
);

CREATE OPERATOR - (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_sub
);

CREATE OPERATOR * (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_mul,
	COMMUTATOR = *
);

CREATE OPERATOR || (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_concat
);

CREATE OPERATOR < (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_lt,
	COMMUTATOR = > , NEGATOR = >= ,
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);

CREATE OPERATOR <= (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_le,
	COMMUTATOR = >= , NEGATOR = > ,
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);

CREATE OPERATOR = (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_eq,
	COMMUTATOR = = , NEGATOR = <> ,
	RESTRICT = eqsel, JOIN = eqjoinsel
);

CREATE OPERATOR <> (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_ne,
	COMMUTATOR = <> , NEGATOR = = ,
	RESTRICT = eqsel, JOIN = eqjoinsel
);

CREATE OPERATOR >= (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_ge,
	COMMUTATOR = <= , NEGATOR = < ,
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR > (
	LEFTARG = halfvec, RIGHTARG = halfvec, PROCEDURE = halfvec_gt,
	COMMUTATOR = < , NEGATOR = <= ,
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);

-- halfvec opclasses

CREATE OPERATOR CLASS halfvec_ops
	DEFAULT FOR TYPE halfvec USING btree AS
	OPERATOR 1 < ,
	OPERATOR 2 <= ,
	OPERATOR 3 = ,
	OPERATOR 4 >= ,
	OPERATOR 5 > ,
	FUNCTION 1 halfvec_cmp(halfvec, halfvec);

CREATE OPERATOR CLASS halfvec_l2_ops
	FOR TYPE halfvec USING ivfflat AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS halfvec_ip_ops
	FOR TYPE halfvec USING ivfflat AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS halfvec_cosine_ops
	FOR TYPE halfvec USING ivfflat AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS halfvec_l2_ops
	FOR TYPE halfvec USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS halfvec_ip_ops
	FOR TYPE halfvec USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS halfvec_cosine_ops
	FOR TYPE halfvec USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS halfvec_l1_ops
	FOR TYPE halfvec USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

-- bit functions -----------------------------------------------------------------------

CREATE FUNCTION hamming_distance(bit, bit) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN bit_count($1 # $2)::float8;

CREATE FUNCTION jaccard_distance(bit, bit) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN CASE WHEN bit_count($1 | $2) = 0 THEN 0::float8
		ELSE 1 - bit_count($1 & $2)::float8 / bit_count($1 | $2) END;

-- bit operators

CREATE OPERATOR <~> (
	LEFTARG = bit, RIGHTARG = bit, PROCEDURE = hamming_distance,
	COMMUTATOR = '<~>'
);

CREATE OPERATOR <%> (
	LEFTARG = bit, RIGHTARG = bit, PROCEDURE = jaccard_distance,
	COMMUTATOR = '<%>'
);

-- bit opclasses

CREATE OPERATOR CLASS bit_hamming_ops
	FOR TYPE bit USING ivfflat AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS bit_hamming_ops
	FOR TYPE bit USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS bit_jaccard_ops
	FOR TYPE bit USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

-- sparsevec type ----------------------------------------------------------------------

CREATE TYPE sparsevec;

CREATE FUNCTION sparsevec_in(cstring, oid, integer) RETURNS sparsevec
	AS 'textin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sparsevec_out(sparsevec) RETURNS cstring
	AS 'textout' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sparsevec_typmod_in(cstring[]) RETURNS integer
	AS 'bittypmodin' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sparsevec_recv(internal, oid, integer) RETURNS sparsevec
	AS 'textrecv' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sparsevec_send(sparsevec) RETURNS bytea
	AS 'textsend' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE sparsevec (
	INPUT     = sparsevec_in,
	OUTPUT    = sparsevec_out,
	TYPMOD_IN = sparsevec_typmod_in,
	RECEIVE   = sparsevec_recv,
	SEND      = sparsevec_send,
	STORAGE   = external
);

-- sparsevec cast functions (text form '{1:1.5,3:2}/5', indices from 1)

CREATE FUNCTION sparsevec(sparsevec, integer, boolean) RETURNS sparsevec
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	n integer := split_part($1::text, '/', 2)::integer;
BEGIN
	IF $2 >= 0 AND n <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, n USING ERRCODE = '22000';
	END IF;
	RETURN $1;
END
$$;

CREATE FUNCTION vector_to_sparsevec(vector, integer, boolean) RETURNS sparsevec
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	a real[] := string_to_array(btrim($1::text, '[] '), ',')::real[];
	parts text[] := '{}';
BEGIN
	IF $2 >= 0 AND cardinality(a) <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, cardinality(a) USING ERRCODE = '22000';
	END IF;
	FOR i IN 1 .. cardinality(a) LOOP
		IF a[i] <> 0 THEN
			parts := parts || (i || ':' || a[i]);
		END IF;
	END LOOP;
	RETURN '{' || array_to_string(parts, ',') || '}/' || cardinality(a);
END
$$;

CREATE FUNCTION sparsevec_to_vector(sparsevec, integer, boolean) RETURNS vector
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	n integer := split_part($1::text, '/', 2)::integer;
	a real[] := array_fill(0::real, ARRAY[n]);
	e text;
BEGIN
	IF $2 >= 0 AND n <> $2 THEN
		RAISE EXCEPTION 'expected % dimensions, not %', $2, n USING ERRCODE = '22000';
	END IF;
	FOREACH e IN ARRAY string_to_array(btrim(split_part($1::text, '/', 1), '{} '), ',') LOOP
		a[split_part(e, ':', 1)::integer] := split_part(e, ':', 2)::real;
	END LOOP;
	RETURN '[' || array_to_string(a, ',') || ']';
END
$$;

CREATE FUNCTION halfvec_to_sparsevec(halfvec, integer, boolean) RETURNS sparsevec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_sparsevec(halfvec_to_vector($1, -1, false), $2, $3);

CREATE FUNCTION sparsevec_to_halfvec(sparsevec, integer, boolean) RETURNS halfvec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_halfvec(sparsevec_to_vector($1, $2, $3), -1, false);

CREATE FUNCTION array_to_sparsevec(integer[], integer, boolean) RETURNS sparsevec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_sparsevec(array_to_vector($1, $2, $3), -1, false);

CREATE FUNCTION array_to_sparsevec(real[], integer, boolean) RETURNS sparsevec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_sparsevec(array_to_vector($1, $2, $3), -1, false);

CREATE FUNCTION array_to_sparsevec(double precision[], integer, boolean) RETURNS sparsevec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_sparsevec(array_to_vector($1, $2, $3), -1, false);

CREATE FUNCTION array_to_sparsevec(numeric[], integer, boolean) RETURNS sparsevec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_sparsevec(array_to_vector($1, $2, $3), -1, false);

-- sparsevec functions

CREATE FUNCTION l2_distance(sparsevec, sparsevec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN l2_distance(sparsevec_to_vector($1, -1, false), sparsevec_to_vector($2, -1, false));

CREATE FUNCTION inner_product(sparsevec, sparsevec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN inner_product(sparsevec_to_vector($1, -1, false), sparsevec_to_vector($2, -1, false));

CREATE FUNCTION cosine_distance(sparsevec, sparsevec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN cosine_distance(sparsevec_to_vector($1, -1, false), sparsevec_to_vector($2, -1, false));

CREATE FUNCTION l1_distance(sparsevec, sparsevec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN l1_distance(sparsevec_to_vector($1, -1, false), sparsevec_to_vector($2, -1, false));

CREATE FUNCTION l2_norm(sparsevec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_norm(sparsevec_to_vector($1, -1, false));

CREATE FUNCTION l2_normalize(sparsevec) RETURNS sparsevec
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_to_sparsevec(l2_normalize(sparsevec_to_vector($1, -1, false)), -1, false);

-- sparsevec private functions

CREATE FUNCTION sparsevec_cmp(sparsevec, sparsevec) RETURNS int4
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_cmp(sparsevec_to_vector($1, -1, false), sparsevec_to_vector($2, -1, false));

CREATE FUNCTION sparsevec_lt(sparsevec, sparsevec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN sparsevec_cmp($1, $2) < 0;

CREATE FUNCTION sparsevec_le(sparsevec, sparsevec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN sparsevec_cmp($1, $2) <= 0;

CREATE FUNCTION sparsevec_eq(sparsevec, sparsevec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN sparsevec_cmp($1, $2) = 0;

CREATE FUNCTION sparsevec_ne(sparsevec, sparsevec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN sparsevec_cmp($1, $2) <> 0;

CREATE FUNCTION sparsevec_ge(sparsevec, sparsevec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN sparsevec_cmp($1, $2) >= 0;

CREATE FUNCTION sparsevec_gt(sparsevec, sparsevec) RETURNS bool
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN sparsevec_cmp($1, $2) > 0;

CREATE FUNCTION sparsevec_l2_squared_distance(sparsevec, sparsevec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_l2_squared_distance(sparsevec_to_vector($1, -1, false), sparsevec_to_vector($2, -1, false));

CREATE FUNCTION sparsevec_negative_inner_product(sparsevec, sparsevec) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN vector_negative_inner_product(sparsevec_to_vector($1, -1, false), sparsevec_to_vector($2, -1, false));

-- sparsevec casts

CREATE CAST (sparsevec AS sparsevec)
	WITH FUNCTION sparsevec(sparsevec, integer, boolean) AS IMPLICIT;

CREATE CAST (sparsevec AS vector)
	WITH FUNCTION sparsevec_to_vector(sparsevec, integer, boolean) AS ASSIGNMENT;

CREATE CAST (vector AS sparsevec)
	WITH FUNCTION vector_to_sparsevec(vector, integer, boolean) AS IMPLICIT;

CREATE CAST (sparsevec AS halfvec)
	WITH FUNCTION sparsevec_to_halfvec(sparsevec, integer, boolean) AS ASSIGNMENT;

CREATE CAST (halfvec AS sparsevec)
	WITH FUNCTION halfvec_to_sparsevec(halfvec, integer, boolean) AS IMPLICIT;

CREATE CAST (integer[] AS sparsevec)
	WITH FUNCTION array_to_sparsevec(integer[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (real[] AS sparsevec)
	WITH FUNCTION array_to_sparsevec(real[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (double precision[] AS sparsevec)
	WITH FUNCTION array_to_sparsevec(double precision[], integer, boolean) AS ASSIGNMENT;

CREATE CAST (numeric[] AS sparsevec)
	WITH FUNCTION array_to_sparsevec(numeric[], integer, boolean) AS ASSIGNMENT;

-- sparsevec operators

CREATE OPERATOR <-> (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = l2_distance,
	COMMUTATOR = '<->'
);

CREATE OPERATOR <#> (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = sparsevec_negative_inner_product,
	COMMUTATOR = '<#>'
);

CREATE OPERATOR <=> (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = cosine_distance,
	COMMUTATOR = '<=>'
);

CREATE OPERATOR <+> (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = l1_distance,
	COMMUTATOR = '<+>'
);

CREATE OPERATOR < (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = sparsevec_lt,
	COMMUTATOR = > , NEGATOR = >= ,
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);

CREATE OPERATOR <= (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = sparsevec_le,
	COMMUTATOR = >= , NEGATOR = > ,
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);

CREATE OPERATOR = (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = sparsevec_eq,
	COMMUTATOR = = , NEGATOR = <> ,
	RESTRICT = eqsel, JOIN = eqjoinsel
);

CREATE OPERATOR <> (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = sparsevec_ne,
	COMMUTATOR = <> , NEGATOR = = ,
	RESTRICT = eqsel, JOIN = eqjoinsel
);

CREATE OPERATOR >= (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = sparsevec_ge,
	COMMUTATOR = <= , NEGATOR = < ,
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR > (
	LEFTARG = sparsevec, RIGHTARG = sparsevec, PROCEDURE = sparsevec_gt,
	COMMUTATOR = < , NEGATOR = <= ,
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);

-- sparsevec opclasses

CREATE OPERATOR CLASS sparsevec_ops
	DEFAULT FOR TYPE sparsevec USING btree AS
	OPERATOR 1 < ,
	OPERATOR 2 <= ,
	OPERATOR 3 = ,
	OPERATOR 4 >= ,
	OPERATOR 5 > ,
	FUNCTION 1 sparsevec_cmp(sparsevec, sparsevec);

CREATE OPERATOR CLASS sparsevec_l2_ops
	FOR TYPE sparsevec USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS sparsevec_ip_ops
	FOR TYPE sparsevec USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS sparsevec_cosine_ops
	FOR TYPE sparsevec USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);

CREATE OPERATOR CLASS sparsevec_l1_ops
	FOR TYPE sparsevec USING hnsw AS
	FUNCTION 1 pg_catalog.hashvarlena(internal);
