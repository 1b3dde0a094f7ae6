// The list's state lives in the URL (?q=…&tier=KA&page=2) so links, back/forward and the
// export buttons all see the same filters. Pure functions, unit tested.
import { apiUrl } from '../../app/api.js';
import type { QueryValue } from '../../app/query.js';

export const SORT_FIELDS = ['updatedAt', 'createdAt', 'name', 'tier'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export const FILTER_KEYS = ['q', 'tier', 'stage', 'industry', 'regionId', 'teamId', 'ownerId', 'kind'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface ListParams {
  filters: Partial<Record<FilterKey, string>>;
  sort: SortField;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 20;
const PAGE_SIZES = [10, 20, 50, 100];

function posInt(v: string | null, fallback: number, max: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
}

export function parseListParams(sp: URLSearchParams): ListParams {
  const filters: ListParams['filters'] = {};
  for (const k of FILTER_KEYS) {
    const v = sp.get(k)?.trim();
    if (v) filters[k] = v;
  }
  const sort = (SORT_FIELDS as readonly string[]).includes(sp.get('sort') ?? '') ? (sp.get('sort') as SortField) : 'updatedAt';
  const order = sp.get('order') === 'asc' ? 'asc' : 'desc';
  const size = posInt(sp.get('pageSize'), DEFAULT_PAGE_SIZE, 200);
  return { filters, sort, order, page: posInt(sp.get('page'), 1, 100_000), pageSize: PAGE_SIZES.includes(size) ? size : DEFAULT_PAGE_SIZE };
}

/** Back to URL form, leaving defaults out so the address stays short. */
export function toSearchParams(p: ListParams): URLSearchParams {
  const sp = new URLSearchParams();
  for (const k of FILTER_KEYS) if (p.filters[k]) sp.set(k, p.filters[k]!);
  if (p.sort !== 'updatedAt') sp.set('sort', p.sort);
  if (p.order !== 'desc') sp.set('order', p.order);
  if (p.page !== 1) sp.set('page', String(p.page));
  if (p.pageSize !== DEFAULT_PAGE_SIZE) sp.set('pageSize', String(p.pageSize));
  return sp;
}

export function toApiQuery(p: ListParams): Record<string, QueryValue> {
  return { ...p.filters, sort: p.sort, order: p.order, page: p.page, pageSize: p.pageSize };
}

/** A filter change starts again at page 1. */
export function withFilter(p: ListParams, key: FilterKey, value: string | null | undefined): ListParams {
  const filters = { ...p.filters };
  if (value && value.trim()) filters[key] = value.trim();
  else delete filters[key];
  return { ...p, filters, page: 1 };
}

/** The export endpoint takes the same filters (not paging or sort). */
export function exportHref(p: ListParams, format: 'csv' | 'xlsx'): string {
  return apiUrl('/customers/export', { ...p.filters, format });
}
