create table public.profiles (
  id bigint primary key,
  username text not null constraint profiles_username_key unique,
  age integer constraint age_positive check (age > 0)
);
create index profiles_age_idx on public.profiles (age);
insert into public.profiles values (1, 'ada', 36);
