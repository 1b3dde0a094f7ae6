// G8 goal-health report API hooks: the month's report (web data), its PDF URL, and the admin run.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from '../../app/api.js';

export type Bilingual = { 'zh-CN': string; 'en-US': string };

export interface Rate {
  num: number;
  den: number;
  rate: number | null;
}

export interface HealthReport {
  rule: string;
  period: string;
  weeks: string[];
  scope: { regionId: string | null; name: string };
  acceptance: Rate & { accepted: number; contested: number; pending: number };
  process: { overall: Rate; byMetric: (Rate & { metric: string; title: Bilingual })[] };
  heatmap: { regions: { id: string; name: string }[]; resources: string[]; cells: { regionId: string; resource: string; count: number }[]; total: number };
  teams: { teamId: string | null; teamName: string; regionId: string | null; regionName: string; acceptance: Rate; process: Rate; resourceGaps: number }[];
  definitions: { key: string; title: Bilingual; text: Bilingual }[];
}

export interface ReportView {
  period: string;
  stored: boolean;
  createdAt: string | null;
  sentAt: string | null;
  scopes: { regionId: string | null; name: string }[];
  report: HealthReport;
}

export interface JobRunResult {
  jobId: string;
  periodKey: string;
  status: string;
  output: { sent?: { regionName: string; recipients: string[] }[]; alreadySent?: number } | null;
  error: string | null;
}

export const reportKeys = {
  report: (period: string, regionId?: string) => ['goals', 'report', period, regionId ?? ''] as const,
};

export function useGoalReport(period: string, regionId?: string) {
  return useQuery({
    queryKey: reportKeys.report(period, regionId),
    queryFn: ({ signal }) => api.get<ReportView>(`/goals/reports/${encodeURIComponent(period)}`, regionId ? { regionId } : undefined, signal),
  });
}

export const goalReportPdfUrl = (period: string, regionId?: string) =>
  apiUrl(`/goals/reports/${encodeURIComponent(period)}/pdf`, regionId ? { regionId } : undefined);

export function useRunGoalReport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { period: string; force: boolean }) => api.post<JobRunResult>(`/goals/reports/${encodeURIComponent(v.period)}/run`, { force: v.force }),
    onSuccess: (_r, v) => void qc.invalidateQueries({ queryKey: ['goals', 'report', v.period] }),
  });
}
