create type public.status as enum ('draft', 'sent');
