select (select number from public.invoices order by id limit 1) as first_invoice,
       (select count(*) from public.signups) as signups
