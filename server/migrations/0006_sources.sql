-- C2 field values with provenance, conflicts, import batches; C5 freshness reminders.
-- Every value a source reports for a customer field is kept (append-only history); the golden
-- record picks one per field (golden.ts) and writes it to customers.* when it changes.
create table customer_field_values (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  customer_id uuid not null,
  field text not null,
  value jsonb,
  source_system text not null,
  channel text not null check (channel in ('import','api','manual','calibration','resolution')),
  batch_id uuid,
  importer_id uuid,
  note text,
  observed_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index customer_field_values_customer on customer_field_values (tenant_id, customer_id, field, recorded_at desc);
create index customer_field_values_field_time on customer_field_values (tenant_id, field, observed_at);
create index customer_field_values_batch on customer_field_values (tenant_id, batch_id);

-- One row per customer field whose sources disagree (open) or did and were resolved.
-- owner/team/region copy the customer's scope fields at detection, for the worklist's access
-- filter; each listed item is checked again against the customer service before it is shown.
create table customer_field_conflicts (
  tenant_id uuid not null references tenants(id),
  customer_id uuid not null,
  field text not null,
  status text not null check (status in ('open','resolved')),
  owner_id uuid,
  team_id uuid,
  region_id uuid,
  candidates jsonb not null,
  detected_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by uuid,
  resolution_note text,
  resolved_value jsonb,
  version int not null default 1,
  primary key (tenant_id, customer_id, field)
);
create index customer_field_conflicts_status on customer_field_conflicts (tenant_id, status, detected_at desc);
create index customer_field_conflicts_owner on customer_field_conflicts (tenant_id, owner_id, status);
create index customer_field_conflicts_team on customer_field_conflicts (tenant_id, team_id, status);

-- Import batches (file imports and integration API requests). The same file (sha256) imported
-- into the same target, or the same idempotency key sent again, is recognised and not re-applied.
create table customer_import_batches (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  target text not null,
  channel text not null check (channel in ('import','api')),
  sha256 text,
  idempotency_key text,
  source_system text not null,
  file_name text,
  encoding text,
  format text,
  total_rows int not null,
  applied_rows int not null,
  error_rows int not null,
  created int not null default 0,
  updated int not null default 0,
  unchanged int not null default 0,
  errors jsonb not null default '[]',
  response jsonb,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index customer_import_batches_file on customer_import_batches (tenant_id, target, sha256) where channel = 'import';
create unique index customer_import_batches_key on customer_import_batches (tenant_id, created_by, idempotency_key) where channel = 'api';
create index customer_import_batches_recent on customer_import_batches (tenant_id, created_at desc);

-- C5: one reminder per customer, stale key field and period.
create table customer_freshness_reminders (
  tenant_id uuid not null references tenants(id),
  customer_id uuid not null,
  field text not null,
  period_key text not null,
  user_id uuid,
  last_value_at timestamptz not null,
  sent_at timestamptz not null default now(),
  primary key (tenant_id, customer_id, field, period_key)
);
