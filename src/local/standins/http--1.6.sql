-- supaform stand-in of http 1.6 (pgsql-http), pure SQL, no shared library.
--
-- pgsql-http's own http--1.6.sql with its C functions replaced. http() (and so every
-- http_get/http_post/... wrapper) raises 'stand-in of http: not available on this
-- server'; urlencode(), text_to_bytea() and bytea_to_text() work; the curl options are
-- kept in a session setting (http_set_curlopt/http_reset_curlopt/http_list_curlopt).
--
-- Derived from pgsql-http (https://github.com/pramsey/pgsql-http), MIT License,
-- Copyright (C) Paul Ramsey; changed: the C functions replaced as described above.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION http" to load this file. \quit
CREATE DOMAIN http_method AS text;
CREATE DOMAIN content_type AS text
CHECK (
    VALUE ~ '^\S+\/\S+'
);

CREATE TYPE http_header AS (
    field VARCHAR,
    value VARCHAR
);

CREATE TYPE http_response AS (
    status INTEGER,
    content_type VARCHAR,
    headers http_header[],
    content VARCHAR
);

CREATE TYPE http_request AS (
    method http_method,
    uri VARCHAR,
    headers http_header[],
    content_type VARCHAR,
    content VARCHAR
);

CREATE FUNCTION http_set_curlopt (curlopt VARCHAR, value VARCHAR)
    RETURNS boolean
    AS $$
    DECLARE
        opts jsonb := coalesce(nullif(current_setting('http.standin_curlopts', true), ''), '{}')::jsonb;
    BEGIN
        IF curlopt IS NULL OR upper(curlopt) !~ '^CURLOPT_[A-Z0-9_]+$' THEN
            RAISE EXCEPTION 'curl option ''%'' is not available for run-time configuration', curlopt;
        END IF;
        PERFORM set_config('http.standin_curlopts', (opts || jsonb_build_object(upper(curlopt), value))::text, false);
        RETURN true;
    END;
    $$
    LANGUAGE 'plpgsql';

CREATE FUNCTION http_reset_curlopt ()
    RETURNS boolean
    AS $$ SELECT set_config('http.standin_curlopts', '{}', false) IS NOT NULL $$
    LANGUAGE 'sql';

CREATE FUNCTION http_list_curlopt ()
    RETURNS TABLE(curlopt text, value text)
    AS $$
        SELECT key, value
        FROM jsonb_each_text(coalesce(nullif(current_setting('http.standin_curlopts', true), ''), '{}')::jsonb)
    $$
    LANGUAGE 'sql';

CREATE FUNCTION http_header (field VARCHAR, value VARCHAR)
    RETURNS http_header
    AS $$ SELECT $1, $2 $$
    LANGUAGE 'sql';

CREATE FUNCTION http(request @extschema@.http_request)
    RETURNS http_response
    AS $$
    BEGIN
        raise exception using errcode = '0A000', message = 'stand-in of http: not available on this server';
    END;
    $$
    LANGUAGE 'plpgsql';

CREATE FUNCTION http_get(uri VARCHAR)
    RETURNS http_response
    AS $$ SELECT @extschema@.http(('GET', $1, NULL, NULL, NULL)::@extschema@.http_request) $$
    LANGUAGE 'sql';

CREATE FUNCTION http_post(uri VARCHAR, content VARCHAR, content_type VARCHAR)
    RETURNS http_response
    AS $$ SELECT @extschema@.http(('POST', $1, NULL, $3, $2)::@extschema@.http_request) $$
    LANGUAGE 'sql';

CREATE FUNCTION http_put(uri VARCHAR, content VARCHAR, content_type VARCHAR)
    RETURNS http_response
    AS $$ SELECT @extschema@.http(('PUT', $1, NULL, $3, $2)::@extschema@.http_request) $$
    LANGUAGE 'sql';

CREATE FUNCTION http_patch(uri VARCHAR, content VARCHAR, content_type VARCHAR)
    RETURNS http_response
    AS $$ SELECT @extschema@.http(('PATCH', $1, NULL, $3, $2)::@extschema@.http_request) $$
    LANGUAGE 'sql';

CREATE FUNCTION http_delete(uri VARCHAR)
    RETURNS http_response
    AS $$ SELECT @extschema@.http(('DELETE', $1, NULL, NULL, NULL)::@extschema@.http_request) $$
    LANGUAGE 'sql';

CREATE FUNCTION http_delete(uri VARCHAR, content VARCHAR, content_type VARCHAR)
    RETURNS http_response
    AS $$ SELECT @extschema@.http(('DELETE', $1, NULL, $3, $2)::@extschema@.http_request) $$
    LANGUAGE 'sql';

CREATE FUNCTION http_head(uri VARCHAR)
    RETURNS http_response
    AS $$ SELECT @extschema@.http(('HEAD', $1, NULL, NULL, NULL)::@extschema@.http_request) $$
    LANGUAGE 'sql';

CREATE FUNCTION urlencode(string BYTEA)
    RETURNS TEXT
    AS $$
        SELECT coalesce(string_agg(
            CASE WHEN b BETWEEN 48 AND 57 OR b BETWEEN 65 AND 90 OR b BETWEEN 97 AND 122
                      OR b IN (45, 46, 95, 126)
                 THEN chr(b)
                 ELSE '%' || upper(lpad(to_hex(b), 2, '0')) END,
            '' ORDER BY i), '')
        FROM generate_series(0, length(string) - 1) AS i,
             LATERAL (SELECT get_byte(string, i) AS b) AS g
    $$
    LANGUAGE 'sql'
    IMMUTABLE STRICT;

CREATE FUNCTION urlencode(string VARCHAR)
    RETURNS TEXT
    AS $$
        -- curl_easy_escape: every byte but ALPHA / DIGIT / - . _ ~ percent-encoded
        SELECT @extschema@.urlencode(convert_to(string, 'UTF8'))
    $$
    LANGUAGE 'sql'
    IMMUTABLE STRICT;

CREATE FUNCTION urlencode(data JSONB)
    RETURNS TEXT
    AS $$
        -- key=value pairs of the top-level object joined with '&'
        SELECT coalesce(string_agg(@extschema@.urlencode(key::varchar) || '=' || @extschema@.urlencode(value::varchar), '&'), '')
        FROM jsonb_each_text(data)
    $$
    LANGUAGE 'sql'
    IMMUTABLE STRICT;

CREATE FUNCTION http_get(uri VARCHAR, data JSONB)
    RETURNS http_response
    AS $$
        SELECT @extschema@.http(('GET', $1 || '?' || @extschema@.urlencode($2), NULL, NULL, NULL)::@extschema@.http_request)
    $$
    LANGUAGE 'sql';

CREATE FUNCTION http_post(uri VARCHAR, data JSONB)
    RETURNS http_response
    AS $$
        SELECT @extschema@.http(('POST', $1, NULL, 'application/x-www-form-urlencoded', @extschema@.urlencode($2))::@extschema@.http_request)
    $$
    LANGUAGE 'sql';

CREATE FUNCTION text_to_bytea(data TEXT)
    RETURNS BYTEA
    AS $$ SELECT convert_to(data, pg_catalog.getdatabaseencoding()) $$
    LANGUAGE 'sql'
    IMMUTABLE STRICT;

CREATE FUNCTION bytea_to_text(data BYTEA)
    RETURNS TEXT
    AS $$ SELECT convert_from(data, pg_catalog.getdatabaseencoding()) $$
    LANGUAGE 'sql'
    IMMUTABLE STRICT;
