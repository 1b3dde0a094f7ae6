-- C6 calibration meeting: monthly customer cards with up to 3 items that sales, service and
-- delivery confirm or correct; every response is kept (append-only), corrections are written
-- back to the master record by the module that owns the item.
create table calibration_cards (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  period text not null,                -- '2026-11' in the tenant's time zone
  customer_id uuid not null,
  customer_name text not null,         -- snapshot for the meeting view
  owner_id uuid,
  team_id uuid,
  region_id uuid,
  items jsonb not null,                -- [{ref, provider, kind, label, current, options, evidence}]
  rule_version int not null,
  parties text[] not null,             -- who must confirm: sales, service, delivery
  status text not null default 'open' check (status in ('open','done')),
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  version int not null default 1,
  primary key (tenant_id, id),
  unique (tenant_id, period, customer_id)
);
create index calibration_cards_period on calibration_cards (tenant_id, period, status);
create index calibration_cards_owner on calibration_cards (tenant_id, owner_id, period);
create index calibration_cards_team on calibration_cards (tenant_id, team_id, period);
create index calibration_cards_region on calibration_cards (tenant_id, region_id, period);

create table calibration_responses (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  card_id uuid not null,
  item_ref text not null,
  party text not null check (party in ('sales','service','delivery')),
  user_id uuid not null,
  action text not null check (action in ('confirm','correct')),
  value jsonb,
  note text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, card_id) references calibration_cards(tenant_id, id)
);
create index calibration_responses_card on calibration_responses (tenant_id, card_id, item_ref, party);
