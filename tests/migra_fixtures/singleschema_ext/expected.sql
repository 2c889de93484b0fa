create extension if not exists "citext" with schema "public";
