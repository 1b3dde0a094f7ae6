// Process (P1–P5, P8, P9) API hooks for the manager's side: visits in scope with their evidence,
// the P8 batch flags, and the customers a QR sheet is printed for. Shapes follow
// server/modules/process/service.ts (presentVisit / visitSummary) and flags.ts.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';

export const ACTION_TYPES = ['appointment', 'check_in', 'need_capture', 'demo', 'objection', 'follow_up'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export type Outcome = 'pass' | 'warn' | 'flag';

export interface LateAction {
  type: ActionType;
  actionId: string | null;
  after: ActionType;
  withinHours: number;
  hours: number;
  state: 'late' | 'overdue';
}
export interface OutOfOrder {
  actionId: string;
  type: ActionType;
  before: ActionType;
  minutes: number;
}
export interface ChecklistGap {
  item: string;
  need: number;
  have: number;
  ok: boolean;
}
/** What a visit lacks. Visits never evaluated (written before actions existed) carry `[]`. */
export interface Missing {
  actions: ActionType[];
  late: LateAction[];
  outOfOrder: OutOfOrder[];
  checklist: ChecklistGap[];
}

export interface VisitSummary {
  id: string;
  customerId: string;
  customerName: string | null;
  repId: string;
  repName: string | null;
  teamId: string | null;
  purpose: string;
  note: string;
  occurredAt: string;
  recordedAt: string;
  plannedAt: string | null;
  checkinSource: string | null;
  geofence: 'in' | 'out' | 'unknown' | null;
  compliant: boolean | null;
  missing: Missing | unknown[] | null;
  flags: string[];
  counts: boolean;
}

export interface VisitAction {
  id: string;
  type: ActionType;
  occurredAt: string;
  recordedAt: string;
  lagMinutes: number;
  fields: Record<string, unknown>;
  note: string;
  lat: number | null;
  lng: number | null;
  accuracyM: number | null;
  corrects: string | null;
  superseded: boolean;
}

export interface VisitMedia {
  id: string;
  kind: 'photo' | 'voice' | 'screenshot';
  actionId: string | null;
  url: string;
  mime: string;
  claimedAt: string;
  claimedLat: number | null;
  claimedLng: number | null;
  exif: Record<string, unknown> | null;
  dhash: string | null;
  ocrText: string | null;
  transcript: string | null;
  tags: string[];
  analysedAt: string | null;
  analysisError: string | null;
}

export interface Verdict {
  id: string;
  check: string;
  ruleVersion: string;
  outcome: Outcome;
  actionId: string | null;
  mediaId: string | null;
  inputs: Record<string, unknown>;
  numbers: Record<string, unknown>;
  createdAt: string;
}

export interface BatchFlagBrief {
  id: string;
  detector: string;
  ruleVersion: string;
  periodFrom: string;
  periodTo: string;
  numbers: Record<string, unknown>;
  evidence: unknown[];
  visitCount: number;
}

export interface VisitDetail extends VisitSummary {
  customer: { id: string; name: string; tier: string | null; address: string | null; lat: number | null; lng: number | null } | null;
  actions: VisitAction[];
  media: VisitMedia[];
  verdicts: Verdict[];
  batchFlags: BatchFlagBrief[];
  qrUrl: string | null;
  /** G2: whether the signed-in user may mark this visit's open objections as resolved (its rep or their manager). */
  canCloseObjections: boolean;
}

export interface ProcessFlag {
  id: string;
  repId: string;
  repName: string | null;
  teamId: string | null;
  detector: string;
  ruleVersion: string;
  periodFrom: string;
  periodTo: string;
  numbers: Record<string, unknown>;
  evidence: unknown[];
  visitIds: string[];
  createdAt: string;
}

export interface TeamFlagSummary {
  teamId: string | null;
  reps: number;
  visits: number;
  detectors: Record<string, number>;
}

export interface VisitFilters {
  flagged?: boolean;
  check?: string;
  repId?: string;
  teamId?: string;
  customerId?: string;
  /** ISO instants: [from, to). */
  from?: string;
  to?: string;
}

/** Synchronous checks that can flag a visit (cached in visits.flags) and the P8 detectors ("p8.<detector>"). */
export const FLAG_CHECKS = ['geofence', 'travel', 'photo_time', 'photo_place', 'photo_reuse', 'p8.recording_cluster', 'p8.backfill_lag', 'p8.template'] as const;

export const processKeys = {
  all: ['process'] as const,
  visits: (f: VisitFilters) => ['process', 'visits', f] as const,
  visit: (id: string) => ['process', 'visit', id] as const,
  flags: (q: { repId?: string; teamId?: string; detector?: string }) => ['process', 'flags', q] as const,
};

const PAGE_SIZE = 50;

/** Visits in scope, newest first, keyset-paged (`nextCursor`). */
export function useVisits(f: VisitFilters) {
  return useInfiniteQuery({
    queryKey: processKeys.visits(f),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api.get<{ items: VisitSummary[]; nextCursor: string | null }>(
        '/process/visits',
        {
          flagged: f.flagged && !f.check ? '1' : undefined,
          check: f.check,
          repId: f.repId,
          teamId: f.teamId,
          customerId: f.customerId,
          from: f.from,
          to: f.to,
          pageSize: PAGE_SIZE,
          cursor: pageParam,
        },
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useVisit(id: string | undefined) {
  return useQuery({
    queryKey: processKeys.visit(id ?? ''),
    queryFn: ({ signal }) => api.get<VisitDetail>(`/process/visits/${encodeURIComponent(id!)}`, undefined, signal),
    enabled: !!id,
  });
}

/** An objection counts as resolved for 异议闭环率 only with status 'closed'; anything else is still open. */
export const isOpenObjection = (a: Pick<VisitAction, 'type' | 'superseded' | 'fields'>) => a.type === 'objection' && !a.superseded && a.fields?.status !== 'closed';

/**
 * G2 标记已化解: closes an open objection later — the server records a correction with the same
 * fields and status 'closed'. The correction's id is chosen once per objection here, so a resend
 * after a lost answer is recognised by the server.
 */
export function useCloseObjection(visitId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { objectionId: string; id: string }) =>
      api.post<{ action: VisitAction; visit: VisitDetail }>(`/process/visits/${encodeURIComponent(visitId)}/objections/${encodeURIComponent(v.objectionId)}/close`, { id: v.id }),
    onSuccess: (r) => qc.setQueryData(processKeys.visit(visitId), r.visit),
    // Also after a refusal (e.g. someone else closed it meanwhile): show what the server has now.
    onSettled: () => void qc.invalidateQueries({ queryKey: processKeys.all }),
  });
}

export function useFlags(q: { repId?: string; teamId?: string; detector?: string }, enabled = true) {
  return useQuery({
    queryKey: processKeys.flags(q),
    queryFn: ({ signal }) => api.get<{ items: ProcessFlag[]; teams: TeamFlagSummary[] }>('/process/flags', q, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useRunDetectors() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ status: string; output: unknown; error: unknown }>('/process/flags/run'),
    onSuccess: () => void qc.invalidateQueries({ queryKey: processKeys.all }),
  });
}

export interface CustomerBrief {
  id: string;
  name?: string;
  address?: string | null;
  city?: string | null;
  province?: string | null;
  tier?: string;
  ownerName?: string | null;
}

/** Customers the user may read (GET /customers), for the QR sheet picker. */
export function useCustomerPicker(q: { q?: string; ownerId?: string; tier?: string; page: number; pageSize: number }) {
  return useQuery({
    queryKey: ['process', 'qr-customers', q],
    queryFn: ({ signal }) =>
      api.get<{ items: CustomerBrief[]; total: number; page: number; pageSize: number }>('/customers', { ...q, sort: 'name', order: 'asc' }, signal),
    placeholderData: keepPreviousData,
  });
}

/** The QR image of a customer (SVG); the browser sends the session cookie with the <img> request. */
export const qrSvgUrl = (customerId: string) => `/api/v1/process/customers/${encodeURIComponent(customerId)}/qr.svg`;

/**
 * A media URL as the browser can load it. The server currently writes `/api/files/<sha>`, while
 * the file route lives under `/api/v1/files/<sha>`; map the former to the latter.
 */
export function mediaSrc(url: string): string {
  return url.startsWith('/api/files/') ? `/api/v1/files/${url.slice('/api/files/'.length)}` : url;
}

/** The normalised "what is missing" of a visit (legacy visits store `[]`). */
export function missingOf(v: Pick<VisitSummary, 'missing'>): Missing {
  const m = v.missing;
  if (!m || Array.isArray(m)) return { actions: [], late: [], outOfOrder: [], checklist: [] };
  return { actions: m.actions ?? [], late: m.late ?? [], outOfOrder: m.outOfOrder ?? [], checklist: m.checklist ?? [] };
}

/**
 * Which of the six actions a list row has. The summary carries only what is missing, and a visit
 * without any action stores no missing list; such a visit also has no check-in source.
 */
export function doneActions(v: Pick<VisitSummary, 'missing' | 'checkinSource'>): ActionType[] | null {
  if (!v.missing || Array.isArray(v.missing)) return null;
  const m = missingOf(v);
  if (!m.actions.length && !v.checkinSource) return null;
  return ACTION_TYPES.filter((t) => !m.actions.includes(t));
}
