-- The cache's shards and their slots when a sweep began: a sweep that ends on another topology
-- (a cluster resharded under it) cannot tell gone keys from moved ones, so it resolves nothing
-- as gone.
alter table sweeps add column topology text;
