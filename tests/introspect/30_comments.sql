create type public.color as enum ('red', 'green');
comment on type public.color is 'Colours with "quotes" and ${template} markers';
create table public.palette (id int primary key, c public.color, label text default '${not a template}');
comment on table public.palette is E'Multi-line\ncomment';
comment on column public.palette.c is 'The colour';
create view public.palette_view as select id, c from public.palette;
comment on view public.palette_view is 'A view';
create function public.palette_size() returns bigint language sql stable as $$ select count(*) from public.palette $$;
comment on function public.palette_size() is 'How many';
