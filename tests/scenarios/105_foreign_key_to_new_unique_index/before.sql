create table public.countries (id bigint primary key, code text not null);
create table public.addresses (id bigint primary key, country_code text);
insert into public.countries values (1, 'fr'), (2, 'de');
insert into public.addresses values (1, 'fr'), (2, null);
