import { describe, expect, it } from 'vitest';
import { exportHref, parseListParams, toApiQuery, toSearchParams, withFilter } from './query.js';

describe('customer list parameters', () => {
  it('[C1] reads filters, sort and paging from the address, ignoring junk', () => {
    const p = parseListParams(new URLSearchParams('q=华东&tier=KA&sort=name&order=asc&page=3&pageSize=50&bogus=1'));
    expect(p).toEqual({ filters: { q: '华东', tier: 'KA' }, sort: 'name', order: 'asc', page: 3, pageSize: 50 });
    const d = parseListParams(new URLSearchParams('sort=drop table&page=-2&pageSize=9999'));
    expect([d.sort, d.order, d.page, d.pageSize]).toEqual(['updatedAt', 'desc', 1, 20]);
  });

  it('[C1] writes back only what differs from the defaults, and round-trips', () => {
    const p = parseListParams(new URLSearchParams('tier=A&page=2'));
    expect(toSearchParams(p).toString()).toBe('tier=A&page=2');
    expect(parseListParams(toSearchParams(p))).toEqual(p);
  });

  it('[C1] a filter change goes back to page 1; clearing removes the key', () => {
    const p = parseListParams(new URLSearchParams('tier=A&page=4'));
    const q = withFilter(p, 'stage', 'renewal');
    expect(q.page).toBe(1);
    expect(q.filters).toEqual({ tier: 'A', stage: 'renewal' });
    expect(withFilter(q, 'tier', '').filters).toEqual({ stage: 'renewal' });
  });

  it('[X4] export links carry the current filters but not paging or sort', () => {
    const p = parseListParams(new URLSearchParams('q=13800&tier=KA&regionId=r1&sort=name&page=5'));
    expect(exportHref(p, 'csv')).toBe('/api/v1/customers/export?q=13800&tier=KA&regionId=r1&format=csv');
    expect(exportHref(parseListParams(new URLSearchParams('')), 'xlsx')).toBe('/api/v1/customers/export?format=xlsx');
  });

  it('[C1] the list query sends paging and sort with the filters', () => {
    const p = parseListParams(new URLSearchParams('industry=制造业'));
    expect(toApiQuery(p)).toEqual({ industry: '制造业', sort: 'updatedAt', order: 'desc', page: 1, pageSize: 20 });
  });
});
