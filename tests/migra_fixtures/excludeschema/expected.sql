create table "schema2"."z" (
    "id" uuid,
    "value" text
);