-- Pipeline and contracts (C8), delivery calendar and promise check (C7).
-- The opportunities table (0002) now belongs to the pipeline module.
alter table opportunities add column close_reason text;
alter table opportunities add column quote_amount numeric(14,2) check (quote_amount is null or quote_amount >= 0);
alter table opportunities add column quote_status text not null default 'none' check (quote_status in ('none','draft','published'));
alter table opportunities add column quote_published_at timestamptz;
alter table opportunities add column created_by uuid;
create index opportunities_team_stage on opportunities (tenant_id, team_id, stage);
create index opportunities_region_stage on opportunities (tenant_id, region_id, stage);
create index opportunities_stage on opportunities (tenant_id, stage, expected_close);

-- Append-only: who moved an opportunity from which stage to which, when, and why.
create table opportunity_stage_history (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  opportunity_id uuid not null,
  from_stage text,
  to_stage text not null,
  reason text,
  changed_by uuid,
  changed_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, opportunity_id) references opportunities(tenant_id, id)
);
create index opportunity_stage_history_opp on opportunity_stage_history (tenant_id, opportunity_id, changed_at);
create function opportunity_stage_history_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'opportunity_stage_history is append-only';
end $$;
create trigger opportunity_stage_history_no_update before update or delete on opportunity_stage_history
  for each row execute function opportunity_stage_history_append_only();

-- Delivery teams: weekly capacity (units or person-days per ISO week); a week may override the default.
create table delivery_teams (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  name text not null,
  region_id uuid,
  unit text not null default 'person_days' check (unit in ('units','person_days')),
  weekly_capacity numeric(10,2) not null check (weekly_capacity >= 0),
  external_id text,
  created_at timestamptz not null default now(),
  version int not null default 1,
  primary key (tenant_id, id)
);
create unique index delivery_teams_name on delivery_teams (tenant_id, name);

create table delivery_week_capacity (
  tenant_id uuid not null references tenants(id),
  team_id uuid not null,
  week text not null check (week ~ '^[0-9]{4}-W[0-9]{2}$'),
  capacity numeric(10,2) not null check (capacity >= 0),
  primary key (tenant_id, team_id, week),
  foreign key (tenant_id, team_id) references delivery_teams(tenant_id, id)
);

create table contracts (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  customer_id uuid not null,
  opportunity_id uuid,
  number text not null,
  title text not null default '',
  signed_on date,
  amount numeric(14,2) not null check (amount >= 0),
  payment_terms text not null default '',
  prepayment_ratio numeric(5,4) check (prepayment_ratio is null or (prepayment_ratio >= 0 and prepayment_ratio <= 1)),
  prepayment_amount numeric(14,2) check (prepayment_amount is null or prepayment_amount >= 0),
  prepaid_received numeric(14,2) not null default 0 check (prepaid_received >= 0),
  status text not null default 'draft' check (status in ('draft','signed','delivering','completed','terminated')),
  owner_id uuid,
  team_id uuid,
  region_id uuid,
  source text not null default 'manual',
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers(tenant_id, id),
  foreign key (tenant_id, opportunity_id) references opportunities(tenant_id, id)
);
create unique index contracts_number on contracts (tenant_id, number);
create index contracts_customer on contracts (tenant_id, customer_id);
create index contracts_owner on contracts (tenant_id, owner_id);

-- Promised delivery milestones: each books `load` on a delivery team's ISO week.
create table contract_milestones (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  contract_id uuid not null,
  seq int not null,
  promised_date date not null,
  week text not null,
  scope text not null,
  delivery_team_id uuid not null,
  load numeric(10,2) not null check (load > 0),
  external_ref text,
  primary key (tenant_id, id),
  foreign key (tenant_id, contract_id) references contracts(tenant_id, id),
  foreign key (tenant_id, delivery_team_id) references delivery_teams(tenant_id, id)
);
create index contract_milestones_contract on contract_milestones (tenant_id, contract_id, seq);
create index contract_milestones_week on contract_milestones (tenant_id, delivery_team_id, week);
