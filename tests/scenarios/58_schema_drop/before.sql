create schema legacy;
create table legacy.old_invoices (id bigint primary key);
insert into legacy.old_invoices values (1);
