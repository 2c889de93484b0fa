-- supaform stand-in of pg_cron 1.6 (the SQL version of pg_cron 1.6.x), pure SQL, no
-- shared library, no scheduler.
--
-- The objects of pg_cron 1.6 (pg_cron.sql followed by every update script up to
-- pg_cron--1.5--1.6.sql): schema cron, cron.job and cron.job_run_details with their
-- columns, sequences, row security policies and grants, and the functions with their
-- signatures and defaults. The functions that are C in pg_cron are plpgsql here and do
-- what pg_cron's do to cron.job: schedule() validates the schedule and inserts a row, or,
-- for a job name the caller already has, updates schedule, command and database, and
-- returns the jobid; unschedule() deletes; alter_job() updates; schedule_in_database()
-- inserts for another database/user. Nothing ever runs a job, so cron.job_run_details
-- stays empty. Differences: the check that the extension is created in
-- cron.database_name is left out (no library, no such setting), cron.enable_superuser_jobs
-- is not enforced, and schedules are validated by shape, not by pg_cron's parser.
--
-- Derived from pg_cron (https://github.com/citusdata/pg_cron), Copyright (c) 2015,
-- Citus Data, Inc., PostgreSQL-style licence; changed: the C functions written in plpgsql.

\echo Use "CREATE EXTENSION pg_cron" to load this file. \quit

CREATE SCHEMA cron;
CREATE SEQUENCE cron.jobid_seq;

CREATE TABLE cron.job (
	jobid bigint primary key default pg_catalog.nextval('cron.jobid_seq'),
	schedule text not null,
	command text not null,
	nodename text not null default 'localhost',
	nodeport int not null default pg_catalog.inet_server_port(),
	database text not null default pg_catalog.current_database(),
	username text not null default current_user
);
GRANT SELECT ON cron.job TO public;
ALTER TABLE cron.job ENABLE ROW LEVEL SECURITY;
CREATE POLICY cron_job_policy ON cron.job USING (username OPERATOR(pg_catalog.=) current_user);

-- The user a job is scheduled for: the caller. These functions are SECURITY DEFINER
-- (pg_cron's C code switches to the extension owner to write cron.job), and inside them
-- current_user is the owner, so the caller is read from the "role" setting (SET ROLE)
-- or, without one, session_user.

CREATE FUNCTION cron.schedule(schedule text, command text)
    RETURNS bigint
    LANGUAGE plpgsql STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
	caller text := CASE WHEN current_setting('role') = 'none' THEN session_user::text
	                    ELSE current_setting('role') END;
	job_id bigint;
BEGIN
	IF NOT (schedule ~* '^\s*@(yearly|annually|monthly|weekly|daily|hourly|reboot)\s*$'
	        OR schedule ~* '^\s*([1-9]|[1-5][0-9])\s+seconds?\s*$'
	        OR schedule ~ '^\s*[0-9A-Za-z*,/$?#-]+(\s+[0-9A-Za-z*,/$?#-]+){4}\s*$') THEN
		RAISE EXCEPTION 'invalid schedule: %', schedule USING ERRCODE = '22023',
			HINT = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''';
	END IF;
	INSERT INTO cron.job (schedule, command, nodename, nodeport, database, username, active)
	VALUES (schedule, command, coalesce(nullif(current_setting('cron.host', true), ''), 'localhost'),
	        current_setting('port')::int, current_database(), caller, true)
	RETURNING jobid INTO job_id;
	RETURN job_id;
END
$$;
COMMENT ON FUNCTION cron.schedule(text,text)
    IS 'schedule a pg_cron job';

CREATE FUNCTION cron.unschedule(job_id bigint)
    RETURNS bool
    LANGUAGE plpgsql STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
	caller text := CASE WHEN current_setting('role') = 'none' THEN session_user::text
	                    ELSE current_setting('role') END;
	owner_name text;
BEGIN
	SELECT j.username INTO owner_name FROM cron.job j WHERE j.jobid = job_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'could not find valid entry for job %', job_id;
	END IF;
	IF lower(owner_name) <> lower(caller) AND NOT has_table_privilege(caller, 'cron.job', 'DELETE') THEN
		RAISE EXCEPTION 'permission denied for table job' USING ERRCODE = '42501';
	END IF;
	DELETE FROM cron.job j WHERE j.jobid = job_id;
	RETURN true;
END
$$;
COMMENT ON FUNCTION cron.unschedule(bigint)
    IS 'unschedule a pg_cron job';

CREATE FUNCTION cron.job_cache_invalidate()
    RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	-- pg_cron reloads its job cache here; the stand-in has none
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION cron.job_cache_invalidate()
    IS 'invalidate job cache';

CREATE TRIGGER cron_job_cache_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON cron.job
    FOR STATEMENT EXECUTE PROCEDURE cron.job_cache_invalidate();

/* pg_cron--1.0--1.1.sql */

ALTER TABLE cron.job ADD COLUMN active boolean not null default 'true';

/* pg_cron--1.1--1.2.sql */

SELECT pg_catalog.pg_extension_config_dump('cron.job', '');
SELECT pg_catalog.pg_extension_config_dump('cron.jobid_seq', '');

/* pg_cron--1.2--1.3.sql */

CREATE SEQUENCE cron.runid_seq;
CREATE TABLE cron.job_run_details (
	jobid bigint,
	runid bigint primary key default pg_catalog.nextval('cron.runid_seq'),
	job_pid integer,
	database text,
	username text,
	command text,
	status text,
	return_message text,
	start_time timestamptz,
	end_time timestamptz
);

GRANT SELECT ON cron.job_run_details TO public;
GRANT DELETE ON cron.job_run_details TO public;
ALTER TABLE cron.job_run_details ENABLE ROW LEVEL SECURITY;
CREATE POLICY cron_job_run_details_policy ON cron.job_run_details USING (username OPERATOR(pg_catalog.=) current_user);

SELECT pg_catalog.pg_extension_config_dump('cron.job_run_details', '');
SELECT pg_catalog.pg_extension_config_dump('cron.runid_seq', '');

-- pg_cron--1.4-1--1.5.sql makes this column text
ALTER TABLE cron.job ADD COLUMN jobname text;

CREATE UNIQUE INDEX jobname_username_idx ON cron.job (jobname, username);
ALTER TABLE cron.job ADD CONSTRAINT jobname_username_uniq UNIQUE USING INDEX jobname_username_idx;

/* pg_cron--1.3--1.4.sql */

CREATE FUNCTION cron.schedule(job_name text,
                              schedule text,
                              command text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	caller text := CASE WHEN current_setting('role') = 'none' THEN session_user::text
	                    ELSE current_setting('role') END;
	job_id bigint;
BEGIN
	IF job_name IS NULL THEN
		RAISE EXCEPTION 'job_name can not be NULL';
	ELSIF schedule IS NULL THEN
		RAISE EXCEPTION 'schedule can not be NULL';
	ELSIF command IS NULL THEN
		RAISE EXCEPTION 'command can not be NULL';
	END IF;
	IF NOT (schedule ~* '^\s*@(yearly|annually|monthly|weekly|daily|hourly|reboot)\s*$'
	        OR schedule ~* '^\s*([1-9]|[1-5][0-9])\s+seconds?\s*$'
	        OR schedule ~ '^\s*[0-9A-Za-z*,/$?#-]+(\s+[0-9A-Za-z*,/$?#-]+){4}\s*$') THEN
		RAISE EXCEPTION 'invalid schedule: %', schedule USING ERRCODE = '22023',
			HINT = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''';
	END IF;
	INSERT INTO cron.job AS j (schedule, command, nodename, nodeport, database, username, active, jobname)
	VALUES (schedule, command, coalesce(nullif(current_setting('cron.host', true), ''), 'localhost'),
	        current_setting('port')::int, current_database(), caller, true, job_name)
	ON CONFLICT ON CONSTRAINT jobname_username_uniq DO UPDATE
	SET schedule = EXCLUDED.schedule, command = EXCLUDED.command, database = EXCLUDED.database
	RETURNING j.jobid INTO job_id;
	RETURN job_id;
END
$$;
COMMENT ON FUNCTION cron.schedule(text,text,text)
IS 'schedule a pg_cron job';

CREATE FUNCTION cron.alter_job(job_id bigint,
								schedule text default null,
								command text default null,
								database text default null,
								username text default null,
								active boolean default null)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	caller text := CASE WHEN current_setting('role') = 'none' THEN session_user::text
	                    ELSE current_setting('role') END;
	caller_is_superuser boolean := coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = caller), false);
	login boolean;
BEGIN
	IF schedule IS NULL AND command IS NULL AND database IS NULL AND username IS NULL AND active IS NULL THEN
		RAISE EXCEPTION 'no updates specified'
			USING HINT = 'You must specify at least one job attribute to change when calling alter_job';
	END IF;
	IF username IS NOT NULL THEN
		IF NOT caller_is_superuser THEN
			RAISE EXCEPTION 'must be superuser to alter username';
		END IF;
		SELECT rolcanlogin INTO login FROM pg_roles WHERE rolname = username;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'role "%" does not exist', username;
		ELSIF NOT login THEN
			RAISE EXCEPTION 'role "%" can not log in', username
				USING DETAIL = 'Jobs may only be run by roles that have the LOGIN attribute.';
		END IF;
	END IF;
	IF database IS NOT NULL AND NOT EXISTS (SELECT FROM pg_database d WHERE d.datname = database) THEN
		RAISE EXCEPTION 'database "%" does not exist', database USING ERRCODE = '3D000';
	END IF;
	IF schedule IS NOT NULL AND NOT (schedule ~* '^\s*@(yearly|annually|monthly|weekly|daily|hourly|reboot)\s*$'
	        OR schedule ~* '^\s*([1-9]|[1-5][0-9])\s+seconds?\s*$'
	        OR schedule ~ '^\s*[0-9A-Za-z*,/$?#-]+(\s+[0-9A-Za-z*,/$?#-]+){4}\s*$') THEN
		RAISE EXCEPTION 'invalid schedule: %', schedule USING ERRCODE = '22023',
			HINT = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''';
	END IF;
	UPDATE cron.job j
	SET database = coalesce(alter_job.database, j.database),
	    schedule = coalesce(alter_job.schedule, j.schedule),
	    command = coalesce(alter_job.command, j.command),
	    username = coalesce(alter_job.username, j.username),
	    active = coalesce(alter_job.active, j.active)
	WHERE j.jobid = job_id AND (caller_is_superuser OR j.username = caller);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'Job % does not exist or you don''t own it', job_id;
	END IF;
END
$$;

COMMENT ON FUNCTION cron.alter_job(bigint,text,text,text,text,boolean)
IS 'Alter the job identified by job_id. Any option left as NULL will not be modified.';

/* admin should decide whether alter_job is safe by explicitly granting execute */
REVOKE ALL ON FUNCTION cron.alter_job(bigint,text,text,text,text,boolean) FROM public;

CREATE FUNCTION cron.schedule_in_database(job_name text,
										  schedule text,
										  command text,
										  database text,
										  username text default null,
										  active boolean default 'true')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	caller text := CASE WHEN current_setting('role') = 'none' THEN session_user::text
	                    ELSE current_setting('role') END;
	job_user text := coalesce(username, caller);
	login boolean;
	job_id bigint;
BEGIN
	IF job_name IS NULL THEN
		RAISE EXCEPTION 'job_name can not be NULL';
	ELSIF schedule IS NULL THEN
		RAISE EXCEPTION 'schedule can not be NULL';
	ELSIF command IS NULL THEN
		RAISE EXCEPTION 'command can not be NULL';
	END IF;
	IF NOT (schedule ~* '^\s*@(yearly|annually|monthly|weekly|daily|hourly|reboot)\s*$'
	        OR schedule ~* '^\s*([1-9]|[1-5][0-9])\s+seconds?\s*$'
	        OR schedule ~ '^\s*[0-9A-Za-z*,/$?#-]+(\s+[0-9A-Za-z*,/$?#-]+){4}\s*$') THEN
		RAISE EXCEPTION 'invalid schedule: %', schedule USING ERRCODE = '22023',
			HINT = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''';
	END IF;
	IF username IS NOT NULL THEN
		IF NOT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = caller), false) THEN
			RAISE EXCEPTION 'must be superuser to create a job for another role';
		END IF;
		SELECT rolcanlogin INTO login FROM pg_roles WHERE rolname = username;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'role "%" does not exist', username;
		ELSIF NOT login THEN
			RAISE EXCEPTION 'role "%" can not log in', username
				USING DETAIL = 'Jobs may only be run by roles that have the LOGIN attribute.';
		END IF;
	END IF;
	IF database IS NULL THEN
		database := current_database();
	ELSIF NOT EXISTS (SELECT FROM pg_database d WHERE d.datname = database) THEN
		RAISE EXCEPTION 'database "%" does not exist', database USING ERRCODE = '3D000';
	END IF;
	INSERT INTO cron.job AS j (schedule, command, nodename, nodeport, database, username, active, jobname)
	VALUES (schedule, command, coalesce(nullif(current_setting('cron.host', true), ''), 'localhost'),
	        current_setting('port')::int, database, job_user, coalesce(active, true), job_name)
	ON CONFLICT ON CONSTRAINT jobname_username_uniq DO UPDATE
	SET schedule = EXCLUDED.schedule, command = EXCLUDED.command, database = EXCLUDED.database
	RETURNING j.jobid INTO job_id;
	RETURN job_id;
END
$$;

COMMENT ON FUNCTION cron.schedule_in_database(text,text,text,text,text,boolean)
IS 'schedule a pg_cron job';

/* admin should decide whether cron.schedule_in_database is safe by explicitly granting execute */
REVOKE ALL ON FUNCTION cron.schedule_in_database(text,text,text,text,text,boolean) FROM public;

/* pg_cron--1.4--1.4-1.sql */

GRANT SELECT ON SEQUENCE cron.jobid_seq TO public;
GRANT SELECT ON SEQUENCE cron.runid_seq TO public;

/* pg_cron--1.4-1--1.5.sql */

CREATE FUNCTION cron.unschedule(job_name text)
    RETURNS bool
    LANGUAGE plpgsql STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
	caller text := CASE WHEN current_setting('role') = 'none' THEN session_user::text
	                    ELSE current_setting('role') END;
BEGIN
	DELETE FROM cron.job j WHERE j.jobname = job_name AND j.username = caller;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'could not find valid entry for job ''%''', job_name;
	END IF;
	RETURN true;
END
$$;
COMMENT ON FUNCTION cron.unschedule(text)
    IS 'unschedule a pg_cron job';

/* pg_cron--1.5--1.6.sql: no SQL changes in 1.6 */
