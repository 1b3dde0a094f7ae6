-- Platform tables. tenant_id leads every business table's primary key and every index.
create extension if not exists pg_trgm;
create extension if not exists btree_gin;

create table tenants (
  id uuid primary key,
  slug text not null unique,
  name text not null,
  time_zone text not null default 'Asia/Shanghai',
  locale text not null default 'zh-CN',
  created_at timestamptz not null default now()
);

create table regions (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  name text not null,
  code text not null,
  director_id uuid,
  version int not null default 1,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, code)
);

create table teams (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  region_id uuid not null,
  name text not null,
  manager_id uuid,
  version int not null default 1,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, region_id) references regions(tenant_id, id)
);
create index teams_region on teams (tenant_id, region_id);

create table users (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  username text not null,
  display_name text not null,
  email text,
  phone text,
  role text not null check (role in ('admin','director','manager','rep','bp','service','marketing','delivery','qa')),
  region_id uuid,
  team_id uuid,
  manager_id uuid,
  is_mentor boolean not null default false,
  hired_on date,
  password_hash text,
  locale text not null default 'zh-CN',
  active boolean not null default true,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, username)
);
create index users_team on users (tenant_id, team_id);
create index users_region on users (tenant_id, region_id);
create index users_manager on users (tenant_id, manager_id);

create table sessions (
  tenant_id uuid not null references tenants(id),
  id text not null,               -- sha256 of the session secret
  user_id uuid not null,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  ip text,
  user_agent text,
  primary key (tenant_id, id)
);
create index sessions_user on sessions (tenant_id, user_id);

create table api_tokens (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  user_id uuid not null,
  name text not null,
  role text not null,
  token_hash text not null,
  prefix text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, token_hash)
);

create table login_attempts (
  tenant_id uuid not null references tenants(id),
  username text not null,
  failures int not null default 0,
  window_start timestamptz not null default now(),
  locked_until timestamptz,
  primary key (tenant_id, username)
);

-- Append-only: who, when, what, before → after; also every read of a sensitive field.
create table audit_log (
  tenant_id uuid not null references tenants(id),
  id bigint generated always as identity,
  at timestamptz not null default now(),
  actor_id uuid,
  actor_kind text not null check (actor_kind in ('user','token','system')),
  action text not null,
  resource text not null,
  record_id text,
  before jsonb,
  after jsonb,
  request_id text,
  ip text,
  primary key (tenant_id, id)
);
create index audit_log_at on audit_log (tenant_id, at desc);
create index audit_log_record on audit_log (tenant_id, resource, record_id);
create index audit_log_actor on audit_log (tenant_id, actor_id, at desc);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();

create table config_versions (
  tenant_id uuid not null references tenants(id),
  key text not null,
  version int not null,
  value jsonb not null,
  status text not null check (status in ('pending','active','superseded','rejected','withdrawn')),
  reason text,
  proposed_by uuid,
  proposed_at timestamptz not null default now(),
  approvals jsonb not null default '[]',
  decided_at timestamptz,
  primary key (tenant_id, key, version)
);
create unique index config_one_active on config_versions (tenant_id, key) where status = 'active';
create unique index config_one_pending on config_versions (tenant_id, key) where status = 'pending';

create table job_runs (
  tenant_id uuid not null references tenants(id),
  job_id text not null,
  period_key text not null,
  status text not null check (status in ('running','succeeded','failed')),
  attempts int not null default 1,
  scheduled_for timestamptz not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  instance text,
  output jsonb,
  error text,
  primary key (tenant_id, job_id, period_key)
);
create index job_runs_started on job_runs (tenant_id, started_at desc);

create table notifications (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  user_id uuid not null,
  kind text not null,
  title text not null,
  body text not null default '',
  link text,
  data jsonb,
  dedupe_key text,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  primary key (tenant_id, id)
);
create index notifications_inbox on notifications (tenant_id, user_id, created_at desc);
create unique index notifications_dedupe on notifications (tenant_id, user_id, dedupe_key) where dedupe_key is not null;

create table notification_channels (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  kind text not null check (kind in ('wecom','dingtalk','feishu')),
  name text not null,
  webhook_url text not null,
  secret text,
  region_id uuid,
  enabled boolean not null default true,
  version int not null default 1,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table outbound_messages (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  channel text not null check (channel in ('email','wecom','dingtalk','feishu')),
  target text not null,
  subject text not null,
  body text not null,
  dedupe_key text,
  status text not null check (status in ('pending','sent','dead')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index outbound_due on outbound_messages (tenant_id, status, next_attempt_at);
create unique index outbound_dedupe on outbound_messages (tenant_id, dedupe_key) where dedupe_key is not null;

create table files (
  tenant_id uuid not null references tenants(id),
  sha256 text not null,
  size bigint not null,
  mime text not null,
  ext text not null,
  original_name text,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, sha256)
);
