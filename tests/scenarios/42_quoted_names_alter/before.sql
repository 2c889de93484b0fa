create table public."Order Items" ("ID" bigint primary key, "Unit Price" numeric(10,2));
insert into public."Order Items" values (1, 2.5);
