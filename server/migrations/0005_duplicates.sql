-- C1: likely duplicates, merges and their undo.
-- A merged-away customer stays (status 'merged', merged_into → the survivor): its history and
-- its detail URL remain, lists/search/export skip it, and an undo can bring it back exactly.
alter table customers add column status text not null default 'active' check (status in ('active','merged'));
alter table customers add column merged_into uuid;
alter table customers add column merged_at timestamptz;
-- Identity keys are unique among active customers only: the survivor may take the merged
-- record's credit code or mobile while the merged record keeps its own copy for undo.
drop index customers_credit_code;
drop index customers_person_mobile;
create unique index customers_credit_code on customers (tenant_id, credit_code) where credit_code is not null and status = 'active';
create unique index customers_person_mobile on customers (tenant_id, mobile) where kind = 'person' and status = 'active';
create index customers_merged_into on customers (tenant_id, merged_into) where merged_into is not null;
-- The create-time likely-duplicate check looks customers up by address fragment and by contact in a city.
create index customers_address_trgm on customers using gin (tenant_id, address gin_trgm_ops);
create index customers_contact_city on customers (tenant_id, city, contact_name);

-- Candidate pairs (customer_a < customer_b). A dismissed pair is remembered and never proposed again.
create table duplicate_candidates (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  customer_a uuid not null,
  customer_b uuid not null,
  score numeric(4,2) not null check (score >= 0 and score <= 1),
  reasons jsonb not null,
  rule_version text not null,
  status text not null default 'open' check (status in ('open','dismissed','merged','superseded')),
  found_at timestamptz not null default now(),
  scanned_at timestamptz not null default now(),
  decided_by uuid,
  decided_at timestamptz,
  note text,
  version int not null default 1,
  primary key (tenant_id, id),
  unique (tenant_id, customer_a, customer_b),
  check (customer_a < customer_b),
  foreign key (tenant_id, customer_a) references customers(tenant_id, id),
  foreign key (tenant_id, customer_b) references customers(tenant_id, id)
);
create index duplicate_candidates_open on duplicate_candidates (tenant_id, status, score desc);
create index duplicate_candidates_b on duplicate_candidates (tenant_id, customer_b);

-- One row per merge: both records as they were, the survivor as it became, the field choices and,
-- per participant module, the ids of the rows it moved (undo moves exactly those back).
create table customer_merges (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  survivor_id uuid not null,
  merged_id uuid not null,
  candidate_id uuid,
  survivor_before jsonb not null,
  merged_before jsonb not null,
  survivor_after jsonb not null,
  fields_taken text[] not null default '{}',
  moved jsonb not null default '{}',
  superseded uuid[] not null default '{}',
  status text not null default 'done' check (status in ('done','undone')),
  merged_by uuid,
  merged_at timestamptz not null default now(),
  undone_by uuid,
  undone_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, survivor_id) references customers(tenant_id, id),
  foreign key (tenant_id, merged_id) references customers(tenant_id, id)
);
create index customer_merges_merged on customer_merges (tenant_id, merged_id, merged_at desc);
create index customer_merges_survivor on customer_merges (tenant_id, survivor_id, merged_at desc);
