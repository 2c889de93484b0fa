create table public.entity_bindings (id bigserial, entity_type text not null, entity_id bigint not null, constraint entity_id_positive check (entity_id > 0));
create table public.entity_bindings_a (constraint "entity_type must be A" check (entity_type = 'A'), unique (entity_id, entity_type)) inherits (public.entity_bindings);
create table public.entity_bindings_b (extra text, entity_type text not null) inherits (public.entity_bindings);
alter table public.entity_bindings add constraint entity_bindings_local check (entity_id < 1000000000000) no inherit;
