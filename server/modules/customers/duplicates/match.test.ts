import { describe, expect, it } from 'vitest';
import { candidatesFor, findCandidates, nameSimilarity, normaliseAddress, normaliseName, precisionRecall, RULE_VERSION, scorePair, THRESHOLD, type MatchRecord } from './match.js';

const org = (id: string, name: string, more: Partial<MatchRecord> = {}): MatchRecord => ({ id, kind: 'org', name, city: '上海市', ...more });

describe('duplicate matching', () => {
  it('[C1] normalises legal forms, brackets, width, spaces, branches and places to one key', () => {
    const key = normaliseName('上海恒瑞精密机械有限公司', 'org', '上海市').key;
    expect(key).toBe('上海|恒瑞精密机械');
    for (const variant of [
      '上海恒瑞精密机械股份有限公司',
      '上海恒瑞精密机械有限责任公司',
      '恒瑞精密机械（上海）有限公司',
      '恒瑞精密机械(上海)有限公司',
      '恒瑞精密机械 (上海) 有限公司',
      '上海 恒瑞 精密机械',
      '上海市恒瑞精密机械集团有限公司',
      '上海恒瑞精密机械有限公司北京分公司',
      '恒瑞精密机械（中国）有限公司',
      '恒瑞精密机械',
      '上海恒瑞精密机械集团',
    ]) {
      expect(normaliseName(variant, 'org', '上海市').key, variant).toBe(key);
    }
    expect(normaliseName('浙江杭州恒瑞精密机械有限公司', 'org', '杭州市').key).toBe('杭州|恒瑞精密机械');
    // Same trade name in another city is another key.
    expect(normaliseName('北京恒瑞精密机械有限公司', 'org', '北京市').key).not.toBe(key);
    // A trade name that is also a city (嘉兴) is read both ways.
    const asPerson = normaliseName('嘉兴精细化工', 'org', '太原市').keys;
    expect(asPerson).toContain(normaliseName('嘉兴精细化工（太原）有限公司', 'org', '太原市').key);
    expect(normaliseName('南京嘉兴超市连锁集团有限公司', 'org', '南京市').key).toBe(normaliseName('嘉兴超市连锁（南京）有限公司', 'org', '南京市').key);
    // People keep their name; spaces and width fold.
    expect(normaliseName('王 伟', 'person', '上海市').key).toBe('上海|王伟');
  });

  it('[C1] normalises addresses: province/city prefix, width and spaces do not matter', () => {
    const a = normaliseAddress('上海市浦东新区世纪大道100号国际大厦12层');
    expect(normaliseAddress('浦东新区 世纪大道１００号 国际大厦12层')).toBe(a);
    expect(normaliseAddress('上海浦东新区世纪大道100号国际大厦12层')).toBe(a);
    expect(normaliseAddress('浦东')).toBe('');
    expect(normaliseAddress('广西壮族自治区南宁市青秀区幸福路62号')).toBe(normaliseAddress('南宁市青秀区幸福路62号'));
  });

  it('[C1] near-identical names: edit similarity', () => {
    expect(nameSimilarity('恒瑞精密机械', '恒达精密机械')).toBeCloseTo(5 / 6);
    expect(nameSimilarity('恒瑞精密机械', '恒瑞模具')).toBeLessThan(0.75);
    // Numbers tell entities apart: 客户12 and 客户13 at one address are not near-identical names.
    const s = scorePair(org('a', '客户12有限公司', { address: '上海市浦东新区世纪大道100号' }), org('b', '客户13有限公司', { address: '上海市浦东新区世纪大道100号' }));
    expect(s.reasons.map((r) => r.rule)).toEqual(['address_same']);
  });

  it('[C1] proposes a suffix variant with the same phone, with each reason, its values and weight', () => {
    const a = org('a', '上海恒瑞精密机械有限公司', { mobile: '13812345678', address: '上海市浦东新区世纪大道100号' });
    const b = org('b', '恒瑞精密机械（上海）股份有限公司', { mobile: '+86 138-1234-5678', address: '浦东新区张江路1号' });
    const s = scorePair(a, b);
    expect(s.score).toBe(1);
    expect(s.reasons).toEqual([
      { rule: 'name_same', a: a.name, b: b.name, weight: 0.5 },
      { rule: 'phone_same', a: '13812345678', b: '+86 138-1234-5678', weight: 0.5 },
    ]);
    const { candidates } = findCandidates([a, b]);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({ aId: 'a', bId: 'b', score: 1, ruleVersion: RULE_VERSION });
  });

  it('[C1] proposes a name variant at the same address, a typo with the same phone, a person at the same address', () => {
    const addr = '上海市徐汇区漕溪北路88号';
    expect(scorePair(org('a', '上海华远物流有限公司', { address: addr }), org('b', '华远物流', { address: '徐汇区 漕溪北路88号' })).score).toBeGreaterThanOrEqual(THRESHOLD);
    const typo = scorePair(org('a', '上海华远供应链管理有限公司', { mobile: '13900001111' }), org('b', '上海华园供应链管理有限公司', { mobile: '13900001111' }));
    expect(typo.reasons.map((r) => r.rule)).toEqual(['name_similar', 'phone_same']);
    expect(typo.score).toBeGreaterThanOrEqual(THRESHOLD);
    const p = (id: string, mobile: string) => ({ id, kind: 'person' as const, name: '李娜', mobile, city: '上海市', address: addr });
    expect(scorePair(p('a', '13700000001'), p('b', '13700000002')).score).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('[C1] hard negatives: one shared signal alone is not proposed', () => {
    // Same trade name, another legal form, nothing else shared.
    expect(scorePair(org('a', '上海恒瑞精密机械有限公司', { mobile: '13800000001' }), org('b', '上海恒瑞精密机械股份有限公司', { mobile: '13800000002' })).score).toBeLessThan(THRESHOLD);
    // Neighbours in one office building.
    const addr = '上海市浦东新区世纪大道100号国际大厦12层';
    expect(scorePair(org('a', '上海恒瑞精密机械有限公司', { address: addr }), org('b', '上海博达软件有限公司', { address: addr })).score).toBeLessThan(THRESHOLD);
    // One character apart, different phones and addresses.
    expect(scorePair(org('a', '上海恒瑞精密机械有限公司', { address: addr }), org('b', '上海恒达精密机械有限公司', { address: '上海市闵行区人民路1号' })).score).toBeLessThan(THRESHOLD);
    // Two people called 王伟 in one city.
    const p = (id: string, mobile: string, address: string) => ({ id, kind: 'person' as const, name: '王伟', mobile, city: '上海市', address });
    expect(scorePair(p('a', '13700000001', '上海市黄浦区人民路1号'), p('b', '13700000002', '上海市黄浦区中山路9号')).score).toBeLessThan(THRESHOLD);
    // Same company name in two cities.
    expect(scorePair(org('a', '上海恒瑞精密机械有限公司', { contactName: '张伟' }), org('b', '北京恒瑞精密机械有限公司', { city: '北京市', contactName: '张伟' })).score).toBeLessThan(THRESHOLD);
  });

  it('[C1] blocking: never compares records that share no key; oversized blocks are reported, not expanded', () => {
    const many = Array.from({ length: 10 }, (_, i) => org(`x${i}`, `上海公司${i}号厂房有限公司`, { contactName: '王伟' }));
    const { stats } = findCandidates(many, { maxBlock: 5 });
    expect(stats.pairsScored).toBe(0);
    expect(stats.oversized).toEqual([{ key: 'c:上海|王伟', size: 10 }]);
    const unrelated = [org('a', '上海甲有限公司'), org('b', '上海乙丙有限公司')];
    expect(findCandidates(unrelated).stats.pairsScored).toBe(0);
  });

  it('[C1] skips pairs already dismissed and scores a new record against existing ones', () => {
    const a = org('a', '上海恒瑞精密机械有限公司', { mobile: '13812345678' });
    const b = org('b', '恒瑞精密机械', { mobile: '13812345678' });
    expect(findCandidates([a, b], { skip: () => true }).candidates).toEqual([]);
    const c = candidatesFor(org('new', '恒瑞精密机械(上海)有限公司', { mobile: '13812345678' }), [a, b, org('z', '上海无关有限公司')]);
    expect(c.map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('[C1] precision and recall count pairs in either order', () => {
    expect(precisionRecall([{ aId: 'b', bId: 'a' }, { aId: 'c', bId: 'd' }], [['a', 'b'], ['e', 'f']])).toEqual({
      truePositives: 1,
      found: 2,
      expected: 2,
      precision: 0.5,
      recall: 0.5,
    });
  });
});
