-- supaform stand-in of plv8 3.1.10 (the objects of plv8's plv8.sql.common, without V8).
--
-- The language exists, so functions written in it are created, dumped, compared and
-- rebuilt as on Supabase; their bodies are neither checked (no validator) nor run: the
-- call handler is PL/pgSQL's, which rejects JavaScript with a syntax error when such a
-- function is called, and DO blocks in plv8 are refused (no inline handler).
\echo Use "CREATE EXTENSION plv8" to load this file. \quit

CREATE FUNCTION plv8_call_handler() RETURNS language_handler
    AS '$libdir/plpgsql', 'plpgsql_call_handler' LANGUAGE c;

CREATE TRUSTED LANGUAGE plv8 HANDLER plv8_call_handler;

CREATE DOMAIN plv8_int2array AS int2[];
CREATE DOMAIN plv8_int4array AS int4[];
CREATE DOMAIN plv8_float4array AS float4[];
CREATE DOMAIN plv8_float8array AS float8[];

CREATE FUNCTION plv8_version() RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT '3.1.10 (supaform stand-in)'::text $$;

CREATE FUNCTION plv8_info() RETURNS json
    LANGUAGE sql STABLE AS $$ SELECT json_build_array() $$;

CREATE FUNCTION plv8_reset() RETURNS void
    LANGUAGE sql AS $$ SELECT $$;
