create schema app;
create table app.reports (id bigint primary key, body text not null);
create function app.total() returns bigint language sql stable as $$select count(*) from app.reports$$;
revoke execute on function app.total() from public;
