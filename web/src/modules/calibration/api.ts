// Calibration meeting API hooks (C6).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';

export type Bilingual = { 'zh-CN': string; 'en-US': string };

export interface CardSummary {
  id: string;
  period: string;
  customerId: string;
  customerName: string;
  ownerId: string | null;
  ownerName: string | null;
  status: 'open' | 'done';
  itemCount: number;
  answers: number;
  answersNeeded: number;
  kinds: string[];
}

export interface CardAnswer {
  party: string;
  action: 'confirm' | 'correct';
  value: unknown;
  note: string | null;
  userName: string | null;
  at: string;
}

export interface CardItem {
  ref: string;
  kind: 'conflict' | 'stale' | 'commitment';
  label: Bilingual;
  current: unknown;
  options: { value: unknown; source: string; observedAt?: string }[];
  evidence: Record<string, unknown>;
  answers: CardAnswer[];
}

export interface Card {
  id: string;
  period: string;
  customerId: string;
  customerName: string;
  ownerName: string | null;
  status: 'open' | 'done';
  ruleVersion: number;
  parties: { party: string; label: Bilingual }[];
  myParty: string | null;
  items: CardItem[];
}

export function useCards(q: { period?: string; status?: string; page: number }) {
  return useQuery({
    queryKey: ['calibration', 'cards', q],
    queryFn: ({ signal }) =>
      api.get<{ period: string; items: CardSummary[]; total: number; page: number; pageSize: number }>('/calibration/cards', { ...q, pageSize: 50 }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCard(id: string | null) {
  return useQuery({
    queryKey: ['calibration', 'card', id],
    queryFn: ({ signal }) => api.get<Card>(`/calibration/cards/${encodeURIComponent(id!)}`, undefined, signal),
    enabled: !!id,
  });
}

export function useAnswer(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { ref: string; action: 'confirm' | 'correct'; value?: string; note?: string }) =>
      api.post<Card>(`/calibration/cards/${encodeURIComponent(id)}/items/${encodeURIComponent(v.ref)}/answers`, { action: v.action, value: v.value, note: v.note }),
    onSuccess: (card) => {
      qc.setQueryData(['calibration', 'card', id], card);
      void qc.invalidateQueries({ queryKey: ['calibration', 'cards'] });
    },
  });
}

export function useGenerate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (period: string) => api.post<{ cardsCreated: number; items: number }>('/calibration/generate', { period }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['calibration'] }),
  });
}
