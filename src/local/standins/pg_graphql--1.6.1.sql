-- supaform stand-in of pg_graphql 1.6.1, pure SQL, no shared library.
--
-- The objects of pg_graphql 1.6.1 (its sql/schema_version.sql, sql/directives.sql,
-- sql/raise_exception.sql and sql/resolve.sql, and the pgrx function _internal_resolve),
-- same names, signatures and defaults. graphql._internal_resolve answers with an error,
-- which graphql.resolve turns into {"data": null, "errors": [{"message": ...}]} as it
-- does for any failure. The schema version sequence and its event triggers are real.
-- What Supabase adds (schema graphql_public, graphql_public.graphql(), the event
-- triggers issue_pg_graphql_access/issue_graphql_placeholder) is not part of the
-- extension: see supabase_platform_graphql.sql.
--
-- Derived from pg_graphql (https://github.com/supabase/pg_graphql), Apache License 2.0,
-- Copyright Supabase; changed: the Rust function replaced by a SQL stub.

\echo Use "CREATE EXTENSION pg_graphql" to load this file. \quit

-- sql/schema_version.sql

-- Is updated every time the schema changes
create sequence if not exists graphql.seq_schema_version as int cycle;

create or replace function graphql.increment_schema_version()
    returns event_trigger
    security definer
    language plpgsql
as $$
begin
    perform pg_catalog.nextval('graphql.seq_schema_version');
end;
$$;

create or replace function graphql.get_schema_version()
    returns int
    security definer
    language sql
as $$
    select last_value from graphql.seq_schema_version;
$$;

-- On DDL event, increment the schema version number
create event trigger graphql_watch_ddl
    on ddl_command_end
    execute procedure graphql.increment_schema_version();

create event trigger graphql_watch_drop
    on sql_drop
    execute procedure graphql.increment_schema_version();

-- sql/directives.sql

create function graphql.comment_directive(comment_ text)
    returns jsonb
    language sql
    immutable
as $$
    /*
    comment on column public.account.name is '@graphql.name: myField'
    */
    select
        coalesce(
            (
                regexp_match(
                    comment_,
                    '@graphql\((.+)\)'
                )
            )[1]::jsonb,
            jsonb_build_object()
        )
$$;

-- sql/raise_exception.sql

create or replace function graphql.exception(message text)
    returns text
    language plpgsql
as $$
begin
    raise exception using errcode='22000', message=message;
end;
$$;

-- the pgrx function (src/lib.rs: #[pg_extern(name = "_internal_resolve")])

CREATE FUNCTION graphql."_internal_resolve"(
	"query" TEXT,
	"variables" jsonb DEFAULT '{}',
	"operationName" TEXT DEFAULT null,
	"extensions" jsonb DEFAULT null
) RETURNS jsonb
LANGUAGE plpgsql
AS $$
begin
    raise exception using errcode = '0A000',
        message = 'stand-in of pg_graphql: not available on this server';
end;
$$;

-- sql/resolve.sql

create or replace function graphql.resolve(
      "query" text,
      "variables" jsonb default '{}',
      "operationName" text default null,
      "extensions" jsonb default null
)
    returns jsonb
    language plpgsql
as $$
declare
    res jsonb;
    message_text text;
begin
  begin
    select graphql._internal_resolve("query" := "query",
                                     "variables" := "variables",
                                     "operationName" := "operationName",
                                     "extensions" := "extensions") into res;
    return res;
  exception
    when others then
    get stacked diagnostics message_text = message_text;
    return
    jsonb_build_object('data', null,
                       'errors', jsonb_build_array(jsonb_build_object('message', message_text)));
  end;
end;
$$;
