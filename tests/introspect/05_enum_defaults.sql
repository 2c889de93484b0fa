create type public.mood as enum ('happy', 'sad', 'It''s "complicated"');
create type public."Priority" as enum ('Low', 'Medium', 'High');
create type public.empty_enum as enum ();
create table public.entries (
  id uuid primary key default gen_random_uuid(),
  mood public.mood not null default 'happy',
  priority public."Priority" default 'Medium',
  moods public.mood[] default '{happy}',
  history public."Priority"[],
  other public.mood
);
comment on type public.mood is 'How it went';
