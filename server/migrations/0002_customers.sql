-- Customers (C1 minimal), opportunities (C8 minimal) and visits (P1 minimal) for the vertical slice.
create table customers (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  kind text not null check (kind in ('org','person')),
  name text not null,
  credit_code text,
  mobile text,
  contact_name text,
  industry text,
  tier text not null default 'B' check (tier in ('KA','A','B','C')),
  stage text not null default 'lead' check (stage in ('lead','opportunity','delivery','renewal','churned')),
  region_id uuid,
  team_id uuid,
  owner_id uuid,
  province text,
  city text,
  address text,
  lat double precision,
  lng double precision,
  tags text[] not null default '{}',
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  primary key (tenant_id, id),
  check (kind <> 'org' or credit_code is not null),
  check (kind <> 'person' or mobile is not null)
);
create unique index customers_credit_code on customers (tenant_id, credit_code) where credit_code is not null;
create unique index customers_person_mobile on customers (tenant_id, mobile) where kind = 'person';
create index customers_owner on customers (tenant_id, owner_id, updated_at desc);
create index customers_team on customers (tenant_id, team_id, updated_at desc);
create index customers_region on customers (tenant_id, region_id, updated_at desc);
create index customers_updated on customers (tenant_id, updated_at desc, id);
create index customers_name_trgm on customers using gin (tenant_id, name gin_trgm_ops);
create index customers_mobile on customers (tenant_id, mobile text_pattern_ops);
create index customers_credit_prefix on customers (tenant_id, credit_code text_pattern_ops);

create table opportunities (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  customer_id uuid not null,
  owner_id uuid not null,
  team_id uuid,
  region_id uuid,
  name text not null,
  stage text not null check (stage in ('discovery','qualified','proposal','negotiation','won','lost')),
  amount numeric(14,2) not null check (amount >= 0),
  expected_close date not null,
  products text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  closed_at timestamptz,
  version int not null default 1,
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers(tenant_id, id)
);
create index opportunities_customer on opportunities (tenant_id, customer_id);
create index opportunities_owner on opportunities (tenant_id, owner_id, expected_close);

create table visits (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  customer_id uuid not null,
  rep_id uuid not null,
  team_id uuid,
  region_id uuid,
  purpose text not null,
  note text not null default '',
  occurred_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  lat double precision,
  lng double precision,
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers(tenant_id, id)
);
create index visits_customer on visits (tenant_id, customer_id, occurred_at desc);
create index visits_rep on visits (tenant_id, rep_id, occurred_at desc);
