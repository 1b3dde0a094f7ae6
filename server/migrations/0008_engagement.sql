-- Engagement records kept per customer (C2/C3): service tickets (客服工单), marketing touchpoints
-- (市场触点) and key-contact activities (关键联系人互动). The health board (C3) aggregates them.
create table service_tickets (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  customer_id uuid not null,
  -- The ticket number in the service system: the import / integration key (upsert on it).
  ticket_no text not null,
  title text not null,
  category text not null check (category in ('complaint','fault','consultation','request','other')),
  severity text not null check (severity in ('low','medium','high','critical')),
  status text not null check (status in ('open','in_progress','resolved','closed')),
  contact_name text,
  opened_at timestamptz not null,
  closed_at timestamptz,
  sla_due_at timestamptz,
  -- What the service system reported; null = derive from closed_at vs sla_due_at.
  sla_met boolean,
  source text not null default 'manual',
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers(tenant_id, id),
  check (closed_at is null or closed_at >= opened_at)
);
create unique index service_tickets_no on service_tickets (tenant_id, ticket_no);
create index service_tickets_customer on service_tickets (tenant_id, customer_id, opened_at desc, id);

create table marketing_touchpoints (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  customer_id uuid not null,
  -- The touchpoint id in the marketing system: the import / integration key.
  external_id text not null,
  channel text not null,
  campaign text,
  action text not null default '',
  contact_name text,
  occurred_at timestamptz not null,
  source text not null default 'manual',
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers(tenant_id, id)
);
create unique index marketing_touchpoints_ext on marketing_touchpoints (tenant_id, external_id);
create index marketing_touchpoints_customer on marketing_touchpoints (tenant_id, customer_id, occurred_at desc, id);

create table contact_activities (
  tenant_id uuid not null references tenants(id),
  id uuid not null,
  customer_id uuid not null,
  kind text not null check (kind in ('email','meeting','call')),
  contact_name text not null,
  contact_role text,
  subject text not null default '',
  occurred_at timestamptz not null,
  rep_id uuid,
  created_at timestamptz not null default now(),
  version int not null default 1,
  primary key (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers(tenant_id, id)
);
create index contact_activities_customer on contact_activities (tenant_id, customer_id, occurred_at desc, id);
