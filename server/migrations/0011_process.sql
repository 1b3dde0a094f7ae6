-- P1–P11: visits made of six atomic actions, their media, the evidence behind every verdict,
-- batch fabrication flags, red/yellow lights, blind verification and pilot studies.

-- Clients choose the ids of visits, actions and media (UUIDs), so a retried send is recognised
-- and never duplicates (P10). A visit is the container; what happened is in visit_actions. `lat`/`lng` (already there) hold
-- the check-in position in WGS-84.
alter table visits add column planned_at timestamptz;
-- 'qr' | 'manual' | 'import'
alter table visits add column checkin_source text;
-- 'in' | 'out' | 'unknown' (Creatio-style status)
alter table visits add column geofence text;
-- P5; null = no checklist for the tier
alter table visits add column compliant boolean;
-- P1/P5 what is missing or late
alter table visits add column missing jsonb not null default '[]'::jsonb;
-- active verdict names, for lists
alter table visits add column flags text[] not null default '{}';
-- counts toward assessed metrics
alter table visits add column counts boolean not null default true;
alter table visits add column updated_at timestamptz not null default now();
create index visits_rep_recorded on visits (tenant_id, rep_id, recorded_at desc);
create index visits_flags on visits using gin (flags);

create table visit_actions (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  visit_id uuid not null,
  rep_id uuid not null,
  type text not null check (type in ('appointment', 'check_in', 'need_capture', 'demo', 'objection', 'follow_up')),
  occurred_at timestamptz not null,
  recorded_at timestamptz not null,
  fields jsonb not null default '{}'::jsonb,
  note text not null default '',
  -- Reported position normalised to WGS-84; the raw report (with its datum) stays in `fields.position`.
  lat double precision,
  lng double precision,
  accuracy_m double precision,
  -- A correction is a new action that points at the one it replaces; the old one is kept.
  corrects uuid,
  superseded boolean not null default false,
  primary key (tenant_id, id),
  foreign key (tenant_id, visit_id) references visits(tenant_id, id)
);
create index visit_actions_visit on visit_actions (tenant_id, visit_id, occurred_at);
create index visit_actions_rep on visit_actions (tenant_id, rep_id, recorded_at desc);

-- Photos, voice notes and screenshots attached to an action; analysed in the background.
create table visit_media (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  visit_id uuid not null,
  action_id uuid,
  rep_id uuid not null,
  kind text not null check (kind in ('photo', 'voice', 'screenshot')),
  sha256 text not null,
  mime text not null,
  claimed_at timestamptz not null,
  claimed_lat double precision,
  claimed_lng double precision,
  exif jsonb,
  dhash text,
  -- dHash split into four 16-bit bands: two photos within Hamming distance 3 share a band.
  dhash_bands text[],
  ocr_text text,
  transcript text,
  tags text[] not null default '{}',
  analysed_at timestamptz,
  analysis_error text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, visit_id) references visits(tenant_id, id)
);
create index visit_media_visit on visit_media (tenant_id, visit_id);
create index visit_media_pending on visit_media (tenant_id, created_at) where analysed_at is null;
create index visit_media_bands on visit_media using gin (dhash_bands);

-- Every verdict on a visit keeps its rule version, its inputs and its numbers (the evidence panel).
create table visit_verdicts (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  visit_id uuid not null,
  action_id uuid,
  media_id uuid,
  check_name text not null,
  rule_version text not null,
  outcome text not null check (outcome in ('pass', 'warn', 'flag')),
  inputs jsonb not null default '{}'::jsonb,
  numbers jsonb not null default '{}'::jsonb,
  created_at timestamptz not null,
  superseded_at timestamptz,
  primary key (tenant_id, id)
);
create index visit_verdicts_visit on visit_verdicts (tenant_id, visit_id) where superseded_at is null;

-- P8: batch detectors' findings per rep (time clusters, back-fill lags, templated notes).
create table process_flags (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  rep_id uuid not null,
  team_id uuid,
  region_id uuid,
  detector text not null,
  period_from date not null,
  period_to date not null,
  rule_version text not null,
  numbers jsonb not null default '{}'::jsonb,
  evidence jsonb not null default '[]'::jsonb,
  visit_ids uuid[] not null default '{}',
  created_at timestamptz not null,
  primary key (tenant_id, id)
);
create unique index process_flags_key on process_flags (tenant_id, rep_id, detector, period_from, period_to);
create index process_flags_visits on process_flags using gin (visit_ids);

-- P6: one light per rep per day.
create table process_lights (
  tenant_id uuid not null references tenants(id),
  day date not null,
  rep_id uuid not null,
  team_id uuid,
  region_id uuid,
  light text not null check (light in ('green', 'yellow', 'red')),
  idle_days int not null,
  last_action_at timestamptz,
  evidence jsonb not null default '{}'::jsonb,
  notified_at timestamptz,
  primary key (tenant_id, day, rep_id)
);

-- P7: a month's reproducible sample and the QA call-backs drawn from it.
create table blind_samples (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  period text not null,
  seed text not null,
  rate double precision not null,
  population int not null,
  drawn int not null,
  rule_version text not null,
  created_at timestamptz not null,
  primary key (tenant_id, id),
  unique (tenant_id, period)
);

create table blind_checks (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  sample_id uuid not null,
  visit_id uuid not null,
  rep_id uuid not null,
  team_id uuid,
  region_id uuid,
  inspector_id uuid,
  script jsonb not null,
  outcome text check (outcome in ('confirmed', 'not_happened', 'items_not_mentioned', 'unreachable')),
  note text not null default '',
  checked_at timestamptz,
  version int not null default 1,
  primary key (tenant_id, id),
  unique (tenant_id, sample_id, visit_id)
);
create index blind_checks_inspector on blind_checks (tenant_id, inspector_id, checked_at);
create index blind_checks_rep on blind_checks (tenant_id, rep_id);

-- P11: a pilot study compares pilot teams with control teams over a period.
create table pilot_studies (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  name text not null,
  pilot_team_ids uuid[] not null,
  control_team_ids uuid[] not null,
  period_from date not null,
  period_to date not null,
  created_by uuid,
  created_at timestamptz not null,
  primary key (tenant_id, id)
);
