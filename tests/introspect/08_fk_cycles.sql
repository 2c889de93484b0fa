create table public.departments (id uuid primary key default gen_random_uuid(), name text not null, manager_id uuid);
create table public.employees (
  id uuid primary key default gen_random_uuid(),
  department_id uuid not null references public.departments (id),
  mentor_id uuid references public.employees (id) on delete set null
);
alter table public.departments add constraint departments_manager_fk foreign key (manager_id) references public.employees (id) deferrable initially deferred;
create table public.a (id int primary key, b_id int);
create table public.b (id int primary key, c_id int);
create table public.c (id int primary key, a_id int references public.a (id));
alter table public.a add foreign key (b_id) references public.b (id);
alter table public.b add foreign key (c_id) references public.c (id);
