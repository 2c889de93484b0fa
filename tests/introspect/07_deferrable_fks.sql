create table public.parents (id integer primary key, code text not null, unique (id, code));
create table public.children (
  id integer primary key,
  parent_id integer references public.parents (id) deferrable initially deferred,
  parent2_id integer references public.parents (id) on update cascade on delete set null deferrable initially immediate,
  parent3_id integer default 1 references public.parents (id) on delete set default,
  parent4_id integer references public.parents (id) on delete restrict,
  pid integer, pcode text,
  constraint children_composite_fk foreign key (pid, pcode) references public.parents (id, code) on delete cascade
);
