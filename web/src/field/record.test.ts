// P9: what a scan-to-record visit puts on the wire (0007's shapes), and the field app's routes.
import { describe, expect, it } from 'vitest';
import { checkInItem, doneActions, emptyForm, mediaItem, splitNeeds, visitItem } from './record.js';
import { codeFromScan, matchRoute } from './router.js';
import { pickLang } from './messages.js';

const CODE = '0b6f7a0e-6f8e-4d2a-9d1e-3c1f9b2a7e11.AbCdEf_-1234';
let n = 0;
const seqId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

describe('scan-to-record payloads (P9)', () => {
  it('[P9] a scan creates the visit with the default purpose and a QR check-in with the position in WGS-84', () => {
    expect(visitItem('v1', 'c1')).toMatchObject({ id: 'v1', path: '/process/visits', json: { id: 'v1', customerId: 'c1', purpose: '需求沟通' } });
    const at = new Date('2026-03-02T09:15:00Z');
    const c = checkInItem({ id: 'a1', visitId: 'v1', at, position: { lat: 31.23, lng: 121.47, accuracyM: 12 }, code: CODE, after: 'v1' });
    expect(c).toMatchObject({ id: 'a1', path: '/process/visits/v1/actions', after: 'v1', label: 'check_in' });
    expect(c.json).toEqual({
      id: 'a1',
      type: 'check_in',
      occurredAt: '2026-03-02T09:15:00.000Z',
      fields: {},
      position: { lat: 31.23, lng: 121.47, accuracyM: 12, datum: 'wgs84' },
      via: 'qr',
      code: CODE,
    });
    const manual = checkInItem({ id: 'a2', visitId: 'v1', at, position: { lat: 1, lng: 2, accuracyM: 30 }, code: null });
    expect(manual.json).toMatchObject({ via: 'manual' });
    expect(manual.json).not.toHaveProperty('code');
  });

  it('[P9] one needs box becomes a list: lines, commas, 顿号 and semicolons; trimmed and unique', () => {
    expect(splitNeeds('库存周转慢，希望移动端审批\n报表自动化；库存周转慢、 权限管理 ,')).toEqual(['库存周转慢', '希望移动端审批', '报表自动化', '权限管理']);
    expect(splitNeeds('   ')).toEqual([]);
  });

  it('[P9] Done sends only what was filled, each action with its own id', () => {
    const at = new Date('2026-03-02T09:16:00Z');
    const none = doneActions({ visitId: 'v', at, form: emptyForm(at), newId: seqId });
    expect(none).toEqual([]);
    const form = { ...emptyForm(new Date(2026, 2, 2)), needsText: '移动端审批，报表', painPoints: ['效率低', '人工录入'] };
    const acts = doneActions({ visitId: 'v', at, form, newId: seqId, after: 'v' });
    expect(acts.map((a) => a.type)).toEqual(['need_capture']);
    expect(acts[0].item).toMatchObject({ path: '/process/visits/v/actions', after: 'v' });
    expect(acts[0].item.json).toMatchObject({ type: 'need_capture', occurredAt: at.toISOString(), fields: { needs: ['移动端审批', '报表'], painPoints: ['效率低', '人工录入'] } });
    expect((acts[0].item.json as { id: string }).id).toBe(acts[0].item.id);

    const all = doneActions({
      visitId: 'v',
      at,
      newId: seqId,
      form: { ...form, solution: '库存看板演示', legalReviewNote: '合同条款法务已审', objectionCategory: 'price', objectionContent: '价格偏高', commitment: '周五前发报价' },
    });
    expect(all.map((a) => a.type)).toEqual(['need_capture', 'demo', 'objection', 'follow_up']);
    expect(new Set(all.map((a) => a.item.id)).size).toBe(4);
    expect(all[1].item.json).toMatchObject({ fields: { solution: '库存看板演示', legalReviewNote: '合同条款法务已审' } });
    expect(all[2].item.json).toMatchObject({ fields: { category: 'price', content: '价格偏高' } });
    // Follow-up due date defaults to a week after the visit, end of that day on the phone's clock.
    const due = new Date((all[3].item.json as { fields: { dueAt: string } }).fields.dueAt);
    expect([due.getFullYear(), due.getMonth(), due.getDate(), due.getHours()]).toEqual([2026, 2, 9, 23]);
  });

  it('[P9] pain points alone still make a valid need capture (needs is required by the server)', () => {
    const acts = doneActions({ visitId: 'v', at: new Date(), newId: seqId, form: { ...emptyForm(), painPoints: ['回款慢'] } });
    expect(acts[0].item.json).toMatchObject({ fields: { needs: ['回款慢'], painPoints: ['回款慢'] } });
  });

  it('[P9] an objection typed without a category is filed as "other"', () => {
    const acts = doneActions({ visitId: 'v', at: new Date(), newId: seqId, form: { ...emptyForm(), objectionContent: '要等预算' } });
    expect(acts[0].item.json).toMatchObject({ type: 'objection', fields: { category: 'other', content: '要等预算' } });
  });

  it('[P1] [G2] an objection is sent with its status: closed when resolved on the spot, open otherwise', () => {
    const at = new Date('2026-03-02T09:16:00Z');
    const form = { ...emptyForm(at), objectionCategory: 'price', objectionContent: '价格偏高' };
    expect(form.objectionResolved).toBe(false); // 待跟进 is the default
    const open = doneActions({ visitId: 'v', at, newId: seqId, form });
    expect(open[0].item.json).toMatchObject({ type: 'objection', fields: { category: 'price', content: '价格偏高', status: 'open' } });
    const closed = doneActions({ visitId: 'v', at, newId: seqId, form: { ...form, objectionResolved: true } });
    expect((closed[0].item.json as { fields: unknown }).fields).toEqual({ category: 'price', content: '价格偏高', status: 'closed' });
    // The choice alone, without what was objected to, sends no objection.
    expect(doneActions({ visitId: 'v', at, newId: seqId, form: { ...emptyForm(at), objectionResolved: true } })).toEqual([]);
  });

  it('[P9] a photo is multipart with its id, kind, claimed time and position, after the check-in', () => {
    const file = new Blob(['x'], { type: 'image/jpeg' });
    const m = mediaItem({ id: 'p1', visitId: 'v', kind: 'photo', file, fileName: 'a.jpg', claimedAt: new Date('2026-03-02T09:15:10Z'), actionId: 'a1', position: { lat: 31.2, lng: 121.4, accuracyM: 9 }, after: 'a1' });
    expect(m).toMatchObject({ id: 'p1', path: '/process/visits/v/media', after: 'a1', label: 'photo' });
    expect(m.form?.fields).toEqual({ id: 'p1', kind: 'photo', claimedAt: '2026-03-02T09:15:10.000Z', actionId: 'a1', lat: '31.2', lng: '121.4' });
    expect(m.form?.file).toBe(file);
  });
});

describe('field routes', () => {
  it('[P9] the printed QR (any host), the path the camera app opens and a bare code all give the code', () => {
    expect(codeFromScan(`https://crm.example.cn/m/c/${CODE}`)).toBe(CODE);
    expect(codeFromScan(`http://192.168.1.20:3000/m/c/${CODE}/`)).toBe(CODE);
    expect(codeFromScan(CODE)).toBe(CODE);
    expect(codeFromScan('https://weixin.qq.com/r/abc')).toBeNull();
    expect(codeFromScan('/m/c/not-a-code')).toBeNull();
    expect(matchRoute(`/m/c/${CODE}`)).toEqual({ name: 'code', code: CODE });
    expect(matchRoute('/m/k/0b6f7a0e-6f8e-4d2a-9d1e-3c1f9b2a7e11')).toEqual({ name: 'customer', customerId: '0b6f7a0e-6f8e-4d2a-9d1e-3c1f9b2a7e11' });
    expect(matchRoute('/m/v/0b6f7a0e-6f8e-4d2a-9d1e-3c1f9b2a7e11/')).toEqual({ name: 'visit', visitId: '0b6f7a0e-6f8e-4d2a-9d1e-3c1f9b2a7e11' });
    expect(matchRoute('/m/scan')).toEqual({ name: 'scan' });
    expect(matchRoute('/m/')).toEqual({ name: 'today' });
    expect(matchRoute('/m')).toEqual({ name: 'today' });
  });

  it('[P10] the language is the main app’s stored choice, else the browser’s, else Chinese', () => {
    expect(pickLang('en-US', ['zh-CN'])).toBe('en-US');
    expect(pickLang(null, ['fr-FR', 'en-GB'])).toBe('en-US');
    expect(pickLang(null, ['zh-TW'])).toBe('zh-CN');
    expect(pickLang(null, ['de'])).toBe('zh-CN');
  });
});
