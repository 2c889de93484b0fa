create type public."Ticket State" as enum ('open', 'it''s done');
create table public."Tickets" (id bigint primary key, state public."Ticket State" not null default 'open');
insert into public."Tickets" values (1, 'it''s done');
