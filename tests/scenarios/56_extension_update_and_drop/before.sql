create extension pg_trgm with schema extensions version '1.5';
create extension citext with schema extensions;
