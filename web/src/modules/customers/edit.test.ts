import { describe, expect, it } from 'vitest';
import type { Customer } from './api.js';
import { changedFields, createBody } from './edit.js';

const base: Customer = {
  id: 'c1',
  kind: 'org',
  name: '杭州示例科技有限公司',
  creditCode: '91330106MA2B0XXXXX',
  mobile: '138****0000',
  contactName: '王*',
  industry: '制造业',
  tier: 'A',
  stage: 'opportunity',
  city: '杭州',
  tags: ['重点'],
  version: 3,
  _abilities: { update: true, delete: false, writable: ['name', 'industry', 'stage', 'city', 'tags', 'mobile'], masked: ['mobile', 'contactName'] },
};

describe('customer edit body', () => {
  it('[C4] sends only writable fields whose value changed', () => {
    const patch = changedFields(base, { name: '杭州示例科技有限公司', industry: '软件', tier: 'KA', stage: 'opportunity', tags: ['重点', '续约'] }, base._abilities.writable);
    expect(patch).toEqual({ industry: '软件', tags: ['重点', '续约'] });
  });

  it('[C4] an untouched masked value is never sent back', () => {
    expect(changedFields(base, { mobile: '138****0000', city: ' 杭州 ' }, base._abilities.writable)).toEqual({});
  });

  it('[C4] a cleared field is sent as null', () => {
    expect(changedFields(base, { city: '' }, base._abilities.writable)).toEqual({ city: null });
  });

  it('[C1] the create body drops blanks and trims values', () => {
    expect(createBody({ kind: 'person', name: ' 李雷 ', mobile: '13800138000', creditCode: '', industry: undefined, tags: [' a ', ''], lat: 30.2 })).toEqual({
      kind: 'person',
      name: '李雷',
      mobile: '13800138000',
      tags: ['a'],
      lat: 30.2,
    });
  });
});
