create table public.settings (id bigint primary key, theme text not null default 'light', created_at timestamptz);
insert into public.settings values (1, 'dark', now());
