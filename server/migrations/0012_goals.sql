-- G1–G8: goal plans and targets (company → region → team → rep; year → quarter → month),
-- allocation and acceptance, live attainment, metric recomputes, the weekly canvas, lead-quality
-- scores and valve requests, and the monthly goal-health reports.
-- Metric definitions are configuration (goals.metrics.*, versioned, dual sign-off).

create table goal_plans (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  year int not null check (year between 2000 and 2100),
  name text not null,
  created_by uuid,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  unique (tenant_id, year)
);

-- One target of one metric for one node and period. `tier`: result (annual amounts) → health
-- (quarterly customer health) → process (monthly behaviour). A valve reset (G6) writes a new
-- version with `original_value` kept and `effective_from` set.
create table goal_targets (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  plan_id uuid not null,
  tier text not null check (tier in ('result', 'health', 'process')),
  metric text not null,
  period text not null,
  node_kind text not null check (node_kind in ('company', 'region', 'team', 'rep')),
  node_id uuid,
  product_line text,
  value numeric not null check (value >= 0),
  original_value numeric,
  effective_from date,
  parent_id uuid,
  -- G3: the allocation assistant's proposal and its basis; acceptance by the node's owner.
  proposed_value numeric,
  basis jsonb,
  acceptance text check (acceptance in ('pending', 'accepted', 'contested')),
  acceptance_reason text,
  accepted_by uuid,
  accepted_at timestamptz,
  version int not null default 1,
  updated_by uuid,
  updated_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, plan_id) references goal_plans(tenant_id, id)
);
create unique index goal_targets_key on goal_targets (tenant_id, plan_id, metric, period, node_kind, coalesce(node_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(product_line, ''));
create index goal_targets_node on goal_targets (tenant_id, node_kind, node_id, period);
create index goal_targets_parent on goal_targets (tenant_id, parent_id);

-- Every change of a target's value, kept (original allocations, adjustments, valve resets).
create table goal_target_history (
  tenant_id uuid not null references tenants(id),
  target_id uuid not null,
  version int not null,
  value numeric not null,
  reason text not null default '',
  changed_by uuid,
  changed_at timestamptz not null,
  primary key (tenant_id, target_id, version)
);

-- Live attainment per rep, metric and month, kept up to date as facts arrive and rebuildable.
create table goal_attainment (
  tenant_id uuid not null references tenants(id),
  metric text not null,
  period text not null,
  rep_id uuid not null,
  team_id uuid,
  region_id uuid,
  numerator numeric not null default 0,
  denominator numeric,
  definition_version int not null,
  computed_at timestamptz not null,
  primary key (tenant_id, metric, period, rep_id)
);
create index goal_attainment_team on goal_attainment (tenant_id, period, team_id);

-- G7: each recompute after a definition change, with the before/after summary.
create table goal_recomputes (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  metric text not null,
  from_version int,
  to_version int not null,
  periods text[] not null,
  before jsonb not null,
  after jsonb not null,
  created_at timestamptz not null,
  primary key (tenant_id, id)
);

-- G5: a rep's three actions of the week and the goal sub-item each supports.
create table weekly_canvases (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  rep_id uuid not null,
  team_id uuid,
  region_id uuid,
  week text not null,
  items jsonb not null,
  review jsonb,
  submitted_at timestamptz not null,
  version int not null default 1,
  updated_at timestamptz not null,
  primary key (tenant_id, id),
  unique (tenant_id, rep_id, week)
);

-- G6: weekly lead-quality score per rep, with its inputs; and reset requests.
create table lead_quality_scores (
  tenant_id uuid not null references tenants(id),
  rep_id uuid not null,
  week text not null,
  team_id uuid,
  region_id uuid,
  score double precision not null,
  baseline double precision,
  drop_pct double precision,
  inputs jsonb not null,
  rule_version text not null,
  computed_at timestamptz not null,
  primary key (tenant_id, rep_id, week)
);

create table valve_requests (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  rep_id uuid not null,
  team_id uuid,
  region_id uuid,
  month text not null,
  brief jsonb not null,
  evidence jsonb not null,
  proposed jsonb not null,
  status text not null check (status in ('pending', 'approved', 'rejected')),
  decided_by uuid,
  decided_at timestamptz,
  decision_note text,
  created_at timestamptz not null,
  version int not null default 1,
  primary key (tenant_id, id)
);
create unique index valve_requests_open on valve_requests (tenant_id, rep_id, month) where status = 'pending';

-- G8: the monthly goal-health report per region (and the company), sent once.
create table goal_health_reports (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  period text not null,
  region_id uuid,
  data jsonb not null,
  created_at timestamptz not null,
  sent_at timestamptz,
  primary key (tenant_id, id)
);
create unique index goal_health_reports_key on goal_health_reports (tenant_id, period, coalesce(region_id, '00000000-0000-0000-0000-000000000000'::uuid));
