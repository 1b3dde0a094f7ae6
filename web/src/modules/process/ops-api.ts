// Process operations API hooks: red/yellow lights (P6), blind verification (P7), pilot
// comparison (P11).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from '../../app/api.js';

export type Bilingual = { 'zh-CN': string; 'en-US': string };
export type Light = 'green' | 'yellow' | 'red';

// ---- P6 lights ----------------------------------------------------------------------------

export interface LightEvidence {
  rule?: string;
  config?: { yellowDays: number; redDays: number; workingDaysOnly: boolean };
  configVersion?: number;
  asOf?: string;
  since?: string;
  sinceBasis?: 'last_action' | 'hired_on' | 'window';
  countedDays?: string[];
  lastAction?: { id: string; visitId: string; customerId: string; customerName: string | null; type: string; occurredAt: string; recordedAt: string } | null;
  notice?: { managerId: string | null; bpIds: string[]; notificationIds: string[] };
  [k: string]: unknown;
}

export interface LightRow {
  repId: string;
  repName: string | null;
  teamId: string | null;
  teamName: string | null;
  regionId: string | null;
  regionName: string | null;
  light: Light;
  idleDays: number;
  lastActionAt: string | null;
  notifiedAt: string | null;
  evidence: LightEvidence;
}

export interface LightsBoard {
  day: string | null;
  requestedDay: string;
  counts: Record<Light, number>;
  items: LightRow[];
}

export interface LightsQuery {
  day?: string;
  teamId?: string;
  regionId?: string;
}

export const opsKeys = {
  lights: (q: LightsQuery) => ['process', 'lights', q] as const,
  checks: (q: ChecksQuery) => ['process', 'blind-checks', q] as const,
  authenticity: (period?: string) => ['process', 'authenticity', period ?? ''] as const,
  pilots: ['process', 'pilots'] as const,
  report: (id: string) => ['process', 'pilots', id, 'report'] as const,
};

export function useLights(q: LightsQuery) {
  return useQuery({
    queryKey: opsKeys.lights(q),
    queryFn: ({ signal }) => api.get<LightsBoard>('/process/lights', { ...q }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useRunLights() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ day: string; status: string; output: { red?: number; yellow?: number; green?: number; notified?: number } | null; error: string | null }>('/process/lights/run'),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['process', 'lights'] }),
  });
}

// ---- P7 blind checks ----------------------------------------------------------------------

export type Outcome = 'confirmed' | 'not_happened' | 'items_not_mentioned' | 'unreachable';

export interface CallScript {
  rule: string;
  visitId: string;
  date: string;
  time: string;
  customerId: string;
  customerName: string | null;
  repName: string | null;
  purpose: string;
  attendees: string[];
  needs: string[];
  demo: string[];
  objections: string[];
  agreedItems: { text: string; dueAt: string | null }[];
  questions: (Bilingual & { key: string })[];
}

export interface BlindCheck {
  id: string;
  period: string;
  visitId: string;
  repId: string;
  repName: string | null;
  teamId: string | null;
  inspectorId: string | null;
  inspectorName: string | null;
  script: CallScript;
  outcome: Outcome | null;
  note: string;
  checkedAt: string | null;
  version: number;
  canRecord: boolean;
}

export interface ChecksQuery {
  mine?: boolean;
  pending?: boolean;
  period?: string;
  page: number;
}

export function useBlindChecks(q: ChecksQuery) {
  return useQuery({
    queryKey: opsKeys.checks(q),
    queryFn: ({ signal }) =>
      api.get<{ items: BlindCheck[]; total: number; page: number; pageSize: number }>(
        '/process/blind-checks',
        { mine: q.mine ? 1 : undefined, pending: q.pending ? 1 : undefined, period: q.period, page: q.page, pageSize: 20 },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

export function useRecordCheck() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; outcome: Outcome; note?: string; version: number }) =>
      api.post<BlindCheck>(`/process/blind-checks/${encodeURIComponent(v.id)}`, { outcome: v.outcome, note: v.note, version: v.version }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['process', 'blind-checks'] });
      void qc.invalidateQueries({ queryKey: ['process', 'authenticity'] });
    },
  });
}

export interface RepAuthenticity {
  repId: string;
  repName: string | null;
  teamId: string | null;
  teamName: string | null;
  drawn: number;
  checked: number;
  pending: number;
  confirmed: number;
  notHappened: number;
  itemsNotMentioned: number;
  unreachable: number;
  rate: number | null;
}

export interface AuthenticityReport {
  period: string;
  sample: { id: string; seed: string; rate: number; population: number; drawn: number; ruleVersion: string; drawnAt: string } | null;
  formula: Bilingual;
  totals: Omit<RepAuthenticity, 'repId' | 'repName' | 'teamId' | 'teamName' | 'pending'>;
  items: RepAuthenticity[];
}

export function useAuthenticity(period: string | undefined) {
  return useQuery({
    queryKey: opsKeys.authenticity(period),
    queryFn: ({ signal }) => api.get<AuthenticityReport>('/process/authenticity', { period }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useDrawSample() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (period: string) => api.post<{ period: string; status: string; output: { drawn?: number; population?: number; alreadyDrawn?: boolean } | null }>('/process/blind-samples/run', { period }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['process'] }),
  });
}

// ---- P11 pilots ---------------------------------------------------------------------------

export interface PilotStudy {
  id: string;
  name: string;
  pilotTeams: { id: string; name: string }[];
  controlTeams: { id: string; name: string }[];
  periodFrom: string;
  periodTo: string;
  createdBy: string | null;
  createdAt: string;
}

export interface Side {
  value: number | null;
  num?: number;
  den?: number;
}

export interface Metric {
  key: string;
  section: 'authenticity' | 'timeliness' | 'completeness';
  label: Bilingual;
  kind: 'share' | 'hours' | 'count';
  better: 'higher' | 'lower';
  pilot: Side;
  control: Side;
  diff: number | null;
  test: { z: number; pValue: number; significant: boolean } | null;
  verdict: 'better' | 'worse' | 'no_difference' | 'insufficient' | null;
}

export interface GroupStats {
  visits: number;
  reps: number;
  actions: number;
  p8ByDetector: Record<string, number>;
  [k: string]: unknown;
}

export interface PilotReport {
  study: PilotStudy;
  generatedAt: string;
  timeZone: string;
  ruleVersion: string;
  groups: Record<'pilot' | 'control', { label: Bilingual; teams: { id: string; name: string }[]; stats: GroupStats }>;
  metrics: Metric[];
  method: Bilingual;
}

export interface NewPilot {
  name: string;
  pilotTeamIds: string[];
  controlTeamIds: string[];
  periodFrom: string;
  periodTo: string;
}

export function usePilots() {
  return useQuery({
    queryKey: opsKeys.pilots,
    queryFn: ({ signal }) => api.get<{ items: PilotStudy[] }>('/process/pilots', undefined, signal),
    select: (d) => d.items,
  });
}

export function usePilotReport(id: string | null) {
  return useQuery({
    queryKey: opsKeys.report(id ?? ''),
    queryFn: ({ signal }) => api.get<PilotReport>(`/process/pilots/${encodeURIComponent(id!)}/report`, undefined, signal),
    enabled: !!id,
  });
}

export function useCreatePilot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: NewPilot) => api.post<PilotStudy>('/process/pilots', v),
    onSuccess: () => void qc.invalidateQueries({ queryKey: opsKeys.pilots }),
  });
}

/** The PDF is a plain download (cookie-authenticated GET). */
export const pilotPdfUrl = (id: string) => apiUrl(`/process/pilots/${encodeURIComponent(id)}/report.pdf`);
