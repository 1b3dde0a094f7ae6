-- Notifications and files (X3): e-mail bodies may carry HTML and attachments (a monthly
-- report PDF), and the delivery worker scans the small set of pending messages of all tenants.
alter table outbound_messages add column html text;
alter table outbound_messages add column attachments jsonb;
alter table outbound_messages add column updated_at timestamptz not null default now();

-- Partial: only pending rows, so the cross-tenant worker scan stays small however large the history grows.
create index outbound_pending on outbound_messages (tenant_id, next_attempt_at) where status = 'pending';
create index outbound_recent on outbound_messages (tenant_id, created_at desc);
create index notifications_unread on notifications (tenant_id, user_id) where read_at is null;
create index notification_channels_name on notification_channels (tenant_id, name);
