create schema app;
grant usage on schema app to anon, authenticated;
create table app.reports (id bigint primary key, body text not null);
grant select, insert, update on app.reports to authenticated;
grant select on app.reports to anon;
