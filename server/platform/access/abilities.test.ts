import { describe, expect, it } from 'vitest';
import { ROLES, type Actor, type Role } from '../context.js';
import { defineAbilityFor, presentFor, subject } from './abilities.js';
import { ACTIONS, POLICIES, RESOURCES, type Resource } from './policies.js';
import { accessWhere } from './sql.js';

const ME = '11111111-1111-4111-8111-111111111111';
const TEAM = '22222222-2222-4222-8222-222222222222';
const REGION = '33333333-3333-4333-8333-333333333333';
const OTHER = '99999999-9999-4999-8999-999999999999';

const actor = (role: Role): Actor => ({ tenantId: 't', userId: ME, kind: 'user', role, teamId: TEAM, regionId: REGION, displayName: 'x', isMentor: false });

/** A record of the resource at each distance from the actor, built from its scope fields. */
function recordAt(resource: Resource, distance: 'own' | 'team' | 'region' | 'other') {
  const f = POLICIES[resource].scopeFields as { own?: string; team?: string; region?: string };
  const r: Record<string, unknown> = { id: OTHER };
  if (f.own) r[f.own] = distance === 'own' ? ME : OTHER;
  if (f.team) r[f.team] = distance === 'own' || distance === 'team' ? TEAM : OTHER;
  if (f.region) r[f.region] = distance === 'other' ? OTHER : REGION;
  return r;
}

/** Walks the real CASL ability: for each resource × action, the widest scope it allows. */
function allowedSet(role: Role): string[] {
  const ability = defineAbilityFor(actor(role));
  const out: string[] = [];
  for (const resource of RESOURCES) {
    for (const action of ACTIONS) {
      const scope = (['other', 'region', 'team', 'own'] as const).find((d) => ability.can(action, subject(resource, recordAt(resource, d))));
      if (scope) out.push(`${resource}.${action}=${scope === 'other' ? 'all' : scope}`);
    }
  }
  return out.sort();
}

// The intended matrix, written out by hand: a change to policies.ts must change this table too.
const EXPECTED: Record<Role, string> = {
  admin: `ApiToken.create=own ApiToken.delete=all ApiToken.read=all AuditLog.export=all AuditLog.read=all Config.approve=all Config.read=all Config.update=all
    Customer.create=all Customer.delete=all Customer.export=all Customer.read=all Customer.update=all DuplicateCandidate.read=all DuplicateCandidate.run=all DuplicateCandidate.update=all File.create=all File.read=all JobRun.read=all JobRun.run=all
    Notification.read=own Notification.update=own NotificationChannel.create=all NotificationChannel.delete=all NotificationChannel.read=all NotificationChannel.update=all
    Opportunity.create=all Opportunity.delete=all Opportunity.export=all Opportunity.read=all Opportunity.update=all OrgUnit.create=all OrgUnit.read=all OrgUnit.update=all
    User.create=all User.delete=all User.export=all User.read=all User.update=all Visit.export=all Visit.read=all
    ContactActivity.create=all ContactActivity.delete=all ContactActivity.export=all ContactActivity.read=all ContactActivity.update=all CustomerHealth.read=all Ticket.create=all Ticket.delete=all Ticket.export=all Ticket.read=all Ticket.update=all Touchpoint.create=all Touchpoint.delete=all Touchpoint.export=all Touchpoint.read=all Touchpoint.update=all
    Contract.create=all Contract.export=all Contract.read=all Contract.update=all DeliveryCalendar.create=all DeliveryCalendar.read=all DeliveryCalendar.update=all
    CustomerSource.create=all CustomerSource.read=all CustomerSource.update=all
    CalibrationCard.create=all CalibrationCard.read=all
    ProcessFlag.read=all ProcessFlag.run=all ProcessLight.read=all ProcessLight.run=all BlindCheck.read=all BlindCheck.update=all BlindCheck.run=all PilotStudy.read=all PilotStudy.create=all PilotStudy.delete=all
    GoalTarget.create=all GoalTarget.delete=all GoalTarget.read=all GoalTarget.run=all GoalTarget.update=all WeeklyCanvas.read=all ValveRequest.approve=all ValveRequest.read=all GoalReport.read=all GoalReport.run=all`,
  director: `ApiToken.create=own ApiToken.delete=own ApiToken.read=own Config.approve=all Config.read=all Config.update=all
    Customer.create=region Customer.export=region Customer.read=region Customer.update=region DuplicateCandidate.read=all DuplicateCandidate.run=all DuplicateCandidate.update=all File.create=all File.read=all Notification.read=own Notification.update=own
    Opportunity.create=region Opportunity.export=region Opportunity.read=region Opportunity.update=region OrgUnit.read=all User.read=region Visit.export=region Visit.read=region
    ContactActivity.create=region ContactActivity.read=region CustomerHealth.read=region Ticket.read=region Touchpoint.read=region
    Contract.create=region Contract.export=region Contract.read=region Contract.update=region DeliveryCalendar.read=all
    CustomerSource.create=region CustomerSource.read=region CustomerSource.update=region
    CalibrationCard.read=region CalibrationCard.update=region
    ProcessFlag.read=region ProcessLight.read=region BlindCheck.read=region PilotStudy.read=all PilotStudy.create=all
    GoalTarget.create=region GoalTarget.read=region GoalTarget.update=region WeeklyCanvas.read=region ValveRequest.approve=region ValveRequest.read=region GoalReport.read=region`,
  manager: `ApiToken.create=own ApiToken.delete=own ApiToken.read=own Config.read=all Customer.create=team Customer.export=team Customer.read=team Customer.update=team DuplicateCandidate.read=all DuplicateCandidate.run=all DuplicateCandidate.update=all
    File.create=all File.read=all Notification.read=own Notification.update=own Opportunity.create=team Opportunity.export=team Opportunity.read=team Opportunity.update=team
    OrgUnit.read=all User.read=team Visit.approve=team Visit.export=team Visit.read=team
    ContactActivity.create=team ContactActivity.read=team CustomerHealth.read=team Ticket.read=team Touchpoint.read=team
    Contract.create=team Contract.export=team Contract.read=team Contract.update=team DeliveryCalendar.read=all
    CustomerSource.create=team CustomerSource.read=team CustomerSource.update=team
    CalibrationCard.read=team CalibrationCard.update=team
    ProcessFlag.read=team ProcessLight.read=team BlindCheck.read=team PilotStudy.read=all
    GoalTarget.read=team GoalTarget.update=team WeeklyCanvas.read=team WeeklyCanvas.update=team ValveRequest.approve=team ValveRequest.read=team`,
  rep: `ApiToken.create=own ApiToken.delete=own ApiToken.read=own Customer.create=own Customer.export=own Customer.read=own Customer.update=own DuplicateCandidate.read=all File.create=all File.read=all
    Notification.read=own Notification.update=own Opportunity.create=own Opportunity.export=own Opportunity.read=own Opportunity.update=own OrgUnit.read=all User.read=own
    Visit.create=own Visit.export=own Visit.read=own Visit.update=own
    ContactActivity.create=own ContactActivity.read=own CustomerHealth.read=own Ticket.read=own Touchpoint.read=own
    Contract.create=own Contract.read=own Contract.update=own DeliveryCalendar.read=all
    CustomerSource.create=own CustomerSource.read=own CustomerSource.update=own
    CalibrationCard.read=own CalibrationCard.update=own
    ProcessLight.read=own
    GoalTarget.read=own GoalTarget.update=own WeeklyCanvas.create=own WeeklyCanvas.read=own WeeklyCanvas.update=own ValveRequest.create=own ValveRequest.read=own`,
  bp: `ApiToken.create=own ApiToken.delete=own ApiToken.read=own Config.read=all Customer.read=region File.create=all File.read=all Notification.read=own Notification.update=own
    OrgUnit.read=all User.read=region Visit.read=region
    CustomerHealth.read=region
    CustomerSource.read=region
    ProcessFlag.read=region ProcessLight.read=region BlindCheck.read=region PilotStudy.read=all
    GoalTarget.read=region WeeklyCanvas.read=region ValveRequest.read=region GoalReport.read=region`,
  service: `ApiToken.create=own ApiToken.delete=own ApiToken.read=own Customer.read=all File.create=all File.read=all Notification.read=own Notification.update=own
    Opportunity.read=all OrgUnit.read=all User.read=own
    ContactActivity.read=all CustomerHealth.read=all Ticket.create=all Ticket.read=all Ticket.update=all Touchpoint.read=all
    Contract.read=all DeliveryCalendar.read=all
    CustomerSource.read=all
    CalibrationCard.read=all CalibrationCard.update=all`,
  marketing: `ApiToken.create=own ApiToken.delete=own ApiToken.read=own Customer.export=all Customer.read=all File.create=all File.read=all Notification.read=own
    Notification.update=own OrgUnit.read=all User.read=own
    Touchpoint.create=all Touchpoint.read=all Touchpoint.update=all`,
  delivery: `ApiToken.create=own ApiToken.delete=own ApiToken.read=own Customer.read=all File.create=all File.read=all Notification.read=own Notification.update=own
    Opportunity.read=all OrgUnit.read=all User.read=own
    ContactActivity.read=all CustomerHealth.read=all Ticket.read=all
    Contract.read=all DeliveryCalendar.create=all DeliveryCalendar.read=all DeliveryCalendar.update=all
    CustomerSource.read=all
    CalibrationCard.read=all CalibrationCard.update=all`,
  qa: `ApiToken.create=own ApiToken.delete=own ApiToken.read=own Customer.read=all File.create=all File.read=all Notification.read=own Notification.update=own
    Opportunity.read=all OrgUnit.read=all User.read=own Visit.read=all
    CustomerHealth.read=all Ticket.read=all
    Contract.read=all DeliveryCalendar.read=all
    CustomerSource.read=all
    ProcessFlag.read=all BlindCheck.read=all BlindCheck.update=all PilotStudy.read=all`,
};

describe('ability layer', () => {
  for (const role of ROLES) {
    it(`[X1] [C4] role ${role}: the allowed set of resource × action × scope is exactly the intended matrix`, () => {
      expect(allowedSet(role)).toEqual(EXPECTED[role].split(/\s+/).filter(Boolean).sort());
    });
  }

  it('[C4] marketing reads customers de-identified: names, phones, contacts, codes and addresses masked', () => {
    const ability = defineAbilityFor(actor('marketing'));
    const { value, sensitiveShown } = presentFor(ability, 'Customer', {
      id: OTHER,
      name: '上海恒瑞精密机械有限公司',
      mobile: '13812341234',
      contactName: '张伟',
      creditCode: '91350100M000100Y43',
      address: '上海市浦东新区世纪大道100号',
      industry: '制造业',
      ownerId: ME,
      teamId: TEAM,
      regionId: REGION,
    });
    expect(value.mobile).toBe('138****1234');
    expect(value.contactName).toBe('张*');
    expect(value.name).toBe('上海' + '*'.repeat(6));
    expect(value.creditCode).toBe('9135************43');
    expect(value.address).not.toContain('100号');
    expect(value.industry).toBe('制造业');
    expect(value._abilities.masked.sort()).toEqual(['address', 'contactName', 'creditCode', 'mobile', 'name']);
    expect(value._abilities.update).toBe(false);
    expect(sensitiveShown).toEqual([]);
  });

  it('[C4] a rep may edit contact fields of an own customer but not its owner or tier', () => {
    const ability = defineAbilityFor(actor('rep'));
    const { value, sensitiveShown } = presentFor(ability, 'Customer', { id: OTHER, name: 'A', mobile: '13812341234', tier: 'KA', ownerId: ME, teamId: TEAM, regionId: REGION });
    expect(value._abilities.update).toBe(true);
    expect(value._abilities.writable).toContain('mobile');
    expect(value._abilities.writable).not.toContain('ownerId');
    expect(value._abilities.writable).not.toContain('tier');
    expect(sensitiveShown).toEqual(['mobile']);
  });

  it('[X1] access rules become SQL that selects exactly the records can() allows', () => {
    const cols = { ownerId: 'owner_id', teamId: 'team_id', regionId: 'region_id' };
    const p1: unknown[] = [];
    expect(accessWhere(defineAbilityFor(actor('rep')), 'read', 'Customer', cols, p1)).toBe('owner_id = $1');
    expect(p1).toEqual([ME]);
    const p2: unknown[] = [];
    expect(accessWhere(defineAbilityFor(actor('admin')), 'read', 'Customer', cols, p2)).toBe('true');
    const p3: unknown[] = [];
    expect(accessWhere(defineAbilityFor(actor('marketing')), 'update', 'Customer', cols, p3)).toBe('false');
    expect(() => accessWhere(defineAbilityFor(actor('rep')), 'read', 'Customer', {}, [])).toThrow(/no column mapping/);
  });
});
