-- What the Supabase platform adds around pg_graphql; not part of the extension (not an
-- extension script: apply it per database, e.g. from supaform's bootstrap, before any
-- CREATE EXTENSION pg_graphql). Idempotent.
--
-- Follows supabase/postgres migrations/db/migrations/20220317095840_pg_graphql.sql and
-- 20260820000001_rescope_pg_graphql_access_trigger.sql (PostgreSQL License, Copyright (c)
-- 2020, Supabase): the schema graphql_public; its function graphql(), a placeholder that
-- answers "pg_graphql extension is not enabled." until pg_graphql is created; the event
-- trigger issue_pg_graphql_access that, on CREATE EXTENSION pg_graphql, replaces the
-- placeholder by a wrapper of graphql.resolve() (attached to the extension) and grants
-- the API roles; and issue_graphql_placeholder that puts the placeholder back when the
-- extension is dropped. The grants name postgres, anon, authenticated and service_role,
-- which must exist when pg_graphql is created (supaform's bootstrap creates them).

create schema if not exists graphql_public;

create or replace function extensions.grant_pg_graphql_access()
    returns event_trigger
    language plpgsql
    set search_path to ''
as $func$
begin
    if not exists (
        select 1
        from pg_catalog.pg_event_trigger_ddl_commands() ev
        join pg_catalog.pg_extension e on ev.objid = e.oid
        where e.extname = 'pg_graphql'
    ) then
        return;
    end if;

    drop function if exists graphql_public.graphql;
    create or replace function graphql_public.graphql(
        "operationName" text default null,
        query text default null,
        variables jsonb default null,
        extensions jsonb default null
    )
        returns jsonb
        language sql
        set search_path to ''
    as $$
        select graphql.resolve(
            query := query,
            variables := coalesce(variables, '{}'),
            "operationName" := "operationName",
            extensions := extensions
        );
    $$;

    -- Attach the wrapper to the extension so DROP EXTENSION cascades to it,
    -- which in turn triggers set_graphql_placeholder to reinstall the "not enabled" stub.
    alter extension pg_graphql add function graphql_public.graphql(text, text, jsonb, jsonb);

    grant usage on schema graphql to postgres, anon, authenticated, service_role;
    grant execute on function graphql.resolve to postgres, anon, authenticated, service_role;
    grant usage on schema graphql to postgres with grant option;
    grant usage on schema graphql_public to postgres with grant option;
end;
$func$;

comment on function extensions.grant_pg_graphql_access() is 'Grants access to pg_graphql';

create or replace function extensions.set_graphql_placeholder()
    returns event_trigger
    language plpgsql
    set search_path to ''
as $_$
    declare
    graphql_is_dropped bool;
    begin
    graphql_is_dropped = (
        select ev.schema_name = 'graphql_public'
        from pg_event_trigger_dropped_objects() as ev
        where ev.schema_name = 'graphql_public'
    );

    if graphql_is_dropped
    then
        create or replace function graphql_public.graphql(
            "operationName" text default null,
            query text default null,
            variables jsonb default null,
            extensions jsonb default null
        )
            returns jsonb
            language plpgsql
            set search_path to ''
        as $$
            declare
                server_version float;
            begin
                server_version = (select (split_part((select version()), ' ', 2))::float);

                if server_version >= 14 then
                    return jsonb_build_object(
                        'errors', jsonb_build_array(
                            jsonb_build_object(
                                'message', 'pg_graphql extension is not enabled.'
                            )
                        )
                    );
                else
                    return jsonb_build_object(
                        'errors', jsonb_build_array(
                            jsonb_build_object(
                                'message', 'pg_graphql is only available on projects running Postgres 14 onwards.'
                            )
                        )
                    );
                end if;
            end;
        $$;
    end if;

    end;
$_$;

comment on function extensions.set_graphql_placeholder() is 'Reintroduces placeholder function for graphql_public.graphql';

-- The placeholder, as on a project where pg_graphql is not enabled.
do $do$
begin
  if not exists (select from pg_catalog.pg_extension where extname = 'pg_graphql') then
    create or replace function graphql_public.graphql(
        "operationName" text default null,
        query text default null,
        variables jsonb default null,
        extensions jsonb default null
    )
        returns jsonb
        language plpgsql
        set search_path to ''
    as $$
        begin
            return jsonb_build_object(
                'errors', jsonb_build_array(
                    jsonb_build_object('message', 'pg_graphql extension is not enabled.')
                )
            );
        end;
    $$;
  end if;
end
$do$;

do $do$
begin
  if not exists (select from pg_catalog.pg_event_trigger where evtname = 'issue_pg_graphql_access') then
    create event trigger issue_pg_graphql_access on ddl_command_end
      when tag in ('CREATE EXTENSION')
      execute function extensions.grant_pg_graphql_access();
  end if;
  if not exists (select from pg_catalog.pg_event_trigger where evtname = 'issue_graphql_placeholder') then
    create event trigger issue_graphql_placeholder on sql_drop
      when tag in ('DROP EXTENSION')
      execute function extensions.set_graphql_placeholder();
  end if;
end
$do$;
