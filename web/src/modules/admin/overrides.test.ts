import { describe, expect, it } from 'vitest';
import { changedCells, withActionScope, withFields } from './overrides.js';

describe('access adjustments editor', () => {
  it('[C4] setting and clearing an action leaves only real changes in the proposal', () => {
    let o = withActionScope({}, 'manager', 'Customer', 'export', 'none');
    expect(o).toEqual({ manager: { Customer: { actions: { export: 'none' } } } });
    o = withFields(o, 'manager', 'Customer', 'masked', ['mobile', 'mobile']);
    expect(o.manager!.Customer).toEqual({ actions: { export: 'none' }, masked: ['mobile'] });
    expect(changedCells(o)).toBe(1);
    o = withActionScope(o, 'manager', 'Customer', 'export', undefined);
    o = withFields(o, 'manager', 'Customer', 'masked', []);
    expect(o).toEqual({});
    expect(changedCells(o)).toBe(0);
  });
});
