select (select count(*) from public.download_counts), (select count(*) from public.daily), (select count(*) from public.packages)
