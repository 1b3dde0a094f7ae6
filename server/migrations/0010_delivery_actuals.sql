-- C3: when a promised delivery milestone was actually delivered, so contract-performance
-- deviation (late or overdue deliveries) can be computed from facts.
alter table contract_milestones add column delivered_on date;
create index contract_milestones_due on contract_milestones (tenant_id, promised_date);
