// What a visit recorded on the phone becomes on the wire (0007): the visit, its check-in, the
// actions filled in at "Done", and media. Pure builders of outbox items; every record gets its own
// client id here, once, so every resend carries the same id.
import type { NewItem } from './queue.js';

export const DEFAULT_PURPOSE = '需求沟通';

export interface Position {
  lat: number;
  lng: number;
  accuracyM: number;
}

export function visitItem(visitId: string, customerId: string, purpose = DEFAULT_PURPOSE): NewItem {
  return { id: visitId, path: '/process/visits', label: 'visit', visitId, json: { id: visitId, customerId, purpose } };
}

export function checkInItem(p: { id: string; visitId: string; at: Date; position: Position; code: string | null; after?: string }): NewItem {
  return {
    id: p.id,
    path: `/process/visits/${p.visitId}/actions`,
    label: 'check_in',
    visitId: p.visitId,
    after: p.after,
    json: {
      id: p.id,
      type: 'check_in',
      occurredAt: p.at.toISOString(),
      fields: {},
      position: { lat: p.position.lat, lng: p.position.lng, accuracyM: p.position.accuracyM, datum: 'wgs84' },
      via: p.code ? 'qr' : 'manual',
      ...(p.code ? { code: p.code } : {}),
    },
  };
}

/** Splits the one needs box into items: lines, commas, semicolons, 顿号; trimmed, unique, bounded. */
export function splitNeeds(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\n\r,，;；、]+/)) {
    const s = raw.trim().slice(0, 200);
    if (s && !out.includes(s)) out.push(s);
    if (out.length >= 20) break;
  }
  return out;
}

export interface DoneForm {
  needsText: string;
  painPoints: string[];
  solution: string;
  legalReviewNote: string;
  objectionCategory: string;
  objectionContent: string;
  /** G2: 当场化解 (closed) or 待跟进 (open, the default); closure counts toward 异议闭环率. */
  objectionResolved: boolean;
  commitment: string;
  /** YYYY-MM-DD */
  dueDate: string;
}

export const emptyForm = (today = new Date()): DoneForm => ({
  needsText: '',
  painPoints: [],
  solution: '',
  legalReviewNote: '',
  objectionCategory: '',
  objectionContent: '',
  objectionResolved: false,
  commitment: '',
  dueDate: plusDays(today, 7),
});

export function plusDays(d: Date, days: number): string {
  const x = new Date(d.getTime() + days * 86_400_000);
  return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
}

/** End of the due day in the phone's time zone, as an instant. */
function dueAt(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 0).toISOString();
}

export interface DoneAction {
  type: 'need_capture' | 'demo' | 'objection' | 'follow_up';
  item: NewItem;
}

/**
 * The actions "Done" sends: only what was filled in. Need capture needs a needs list; pain points
 * alone count as needs too. An objection needs both a category and its content (the category
 * defaults to "other" when only the content is typed) and carries its status: 'closed' when it was
 * resolved on the spot, else 'open' (G2's objection-closure rate counts the closed ones).
 */
export function doneActions(p: { visitId: string; at: Date; form: DoneForm; newId: () => string; after?: string; skip?: ReadonlySet<string> }): DoneAction[] {
  const { form, visitId } = p;
  const at = p.at.toISOString();
  const out: DoneAction[] = [];
  const add = (type: DoneAction['type'], fields: Record<string, unknown>, note?: string) => {
    if (p.skip?.has(type)) return;
    const id = p.newId();
    out.push({ type, item: { id, path: `/process/visits/${visitId}/actions`, label: type, visitId, after: p.after, json: { id, type, occurredAt: at, fields, ...(note ? { note } : {}) } } });
  };
  const needs = splitNeeds(form.needsText);
  const pains = [...new Set(form.painPoints.map((x) => x.trim()).filter(Boolean))];
  if (needs.length || pains.length) add('need_capture', { needs: needs.length ? needs : pains, painPoints: pains }, form.needsText.trim() || undefined);
  const solution = form.solution.trim();
  const legal = form.legalReviewNote.trim();
  if (solution) add('demo', { solution, ...(legal ? { legalReviewNote: legal } : {}) });
  const content = form.objectionContent.trim();
  if (content) add('objection', { category: form.objectionCategory || 'other', content, status: form.objectionResolved ? 'closed' : 'open' });
  const commitment = form.commitment.trim();
  if (commitment) add('follow_up', { commitment, dueAt: dueAt(form.dueDate) });
  // A legal review note typed without a demo still counts (P5 reads it from any action).
  if (legal && !solution && out.length) {
    const json = out[0].item.json as { fields: Record<string, unknown> };
    json.fields.legalReviewNote = legal;
  }
  return out;
}

export function mediaItem(p: { id: string; visitId: string; kind: 'photo' | 'voice' | 'screenshot'; file: Blob; fileName: string; claimedAt: Date; actionId?: string | null; position?: Position | null; after?: string }): NewItem {
  const fields: Record<string, string> = { id: p.id, kind: p.kind, claimedAt: p.claimedAt.toISOString() };
  if (p.actionId) fields.actionId = p.actionId;
  if (p.position) {
    fields.lat = String(p.position.lat);
    fields.lng = String(p.position.lng);
  }
  return { id: p.id, path: `/process/visits/${p.visitId}/media`, label: p.kind, visitId: p.visitId, after: p.after, form: { fields, file: p.file, fileName: p.fileName } };
}
