create schema app;
create table app.counters (id bigint not null, label text not null default 'x');
insert into app.counters values (1, 'a');
create view app.labels as select label from app.counters;
