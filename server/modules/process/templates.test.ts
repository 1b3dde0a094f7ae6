import { describe, expect, it } from 'vitest';
import { PROCESS_BACKFILL } from '../../platform/config/defaults.js';
import { generateCompany } from '../../demo/generate.js';
import { NOTE_TEMPLATES, templatedNote } from '../../demo/process.js';
import { createRng } from '../../demo/rng.js';
import { bigrams, detectTemplates, normaliseNote, noteSimilarity, repeatedShare, TEMPLATE_RULE, type NoteInput } from './templates.js';

const similarity = PROCESS_BACKFILL.default.templateSimilarity;
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 2));
let seq = 0;
const note = (repId: string, text: string, teamId = 't1'): NoteInput => ({ visitId: `v${++seq}`, repId, teamId, text });
const NOW = new Date('2026-11-26T08:00:00Z');
const honest = generateCompany({ seed: 5, reps: 20, customers: 600, now: NOW });

describe('note normalisation and similarity (P8)', () => {
  it('[P8] drops punctuation, digits, symbols and spaces; folds full-width forms', () => {
    expect(normaliseNote('11月3日， 拜访客户！ABC')).toBe('月日拜访客户abc');
    expect(normaliseNote('１２月５日：拜访客户。')).toBe('月日拜访客户');
    expect(normaliseNote('  ——  ')).toBe('');
    expect([...bigrams('拜访客户')]).toHaveLength(3);
    expect([...bigrams('哈哈哈哈')]).toHaveLength(1);
  });

  it('[P8] a date or punctuation change is the same text; a changed word still repeats > 91%', () => {
    const t = NOTE_TEMPLATES[0];
    expect(noteSimilarity(t, `11月3日，${t.replace(/，/g, ',')}`)).toBeGreaterThan(0.95);
    expect(noteSimilarity(t, t.replace('今日', '今天'))).toBeGreaterThanOrEqual(similarity);
    expect(noteSimilarity(t, t.replace('尽快', '早日'))).toBeGreaterThanOrEqual(similarity);
    // Two different honest notes that share a phrase are not near-duplicates.
    expect(noteSimilarity('和王经理面谈，演示制造执行系统，客户认可方案。', '和李总面谈，讨论付款方式和账期，对价格有顾虑。')).toBeLessThan(0.5);
    // The rule's measure is symmetric and 1 for identical sets.
    const a = bigrams(normaliseNote(NOTE_TEMPLATES[1]));
    const b = bigrams(normaliseNote(NOTE_TEMPLATES[1].slice(0, 30)));
    expect(repeatedShare(a, b)).toBe(repeatedShare(b, a));
    expect(repeatedShare(a, a)).toBe(1);
  });
});

describe('templated notes (P8)', () => {
  it('[P8] flags a rep whose notes are one template with tiny variations, with the similarity numbers and visits', () => {
    const rng = createRng('templates-test');
    const templated = Array.from({ length: 30 }, (_, i) => note('faker', templatedNote(rng, NOTE_TEMPLATES[2], at(1 + (i % 25)))));
    const repNotes = honest.visits.filter((v) => v.repId === honest.visits[0].repId).slice(0, 60);
    const own = repNotes.slice(0, 10).map((v) => note('faker', v.note));
    const others = repNotes.map((v) => note('honest', v.note));
    const flags = detectTemplates([...templated, ...own, ...others], { similarity });
    expect(flags.map((f) => f.repId)).toEqual(['faker']);
    const f = flags[0];
    expect(f.rule).toBe(TEMPLATE_RULE);
    expect(f.detector).toBe('template');
    expect(new Set(f.visitIds)).toEqual(new Set(templated.map((n) => n.visitId)));
    expect(f.groups).toHaveLength(1);
    const g = f.groups[0];
    expect(g.size).toBe(30);
    expect(g.representative).toContain(normaliseNote(NOTE_TEMPLATES[2]).slice(0, 30));
    expect(g.similarities).toHaveLength(30);
    expect(g.minSimilarity).toBeGreaterThan(0.85);
    expect(f.numbers).toMatchObject({ count: 30, total: 40, share: 0.75, groups: 1, largestGroup: 30, similarity: 0.91, minGroup: 5 });
    expect(f.evidence.find((e) => e.visitId === templated[0].visitId)).toMatchObject({ group: 0, similarity: expect.any(Number) });
  });

  it('[P8] honest notes from the shared phrase banks are never templates (a year of 20 reps)', () => {
    const notes = honest.visits.map((v) => ({ visitId: v.id, repId: v.repId, teamId: v.teamId, text: v.note }));
    expect(notes.length).toBeGreaterThan(4000);
    expect(detectTemplates(notes, { similarity })).toEqual([]);
    // They do contain coincidental near-duplicate pairs: that is why a template needs a group of 5.
    expect(detectTemplates(notes, { similarity, minGroup: 2 }).length).toBeGreaterThan(0);
  });

  it('[P8] minGroup and the similarity threshold are configuration', () => {
    const t = NOTE_TEMPLATES[4];
    const four = [1, 2, 3, 4].map((d) => note('r', `${d}月${d}日 ${t}`));
    expect(detectTemplates(four, { similarity })).toEqual([]);
    expect(detectTemplates([...four, note('r', t)], { similarity })).toHaveLength(1);
    expect(detectTemplates(four, { similarity, minGroup: 4 })).toHaveLength(1);
    // At similarity 1 only exact copies (after normalisation) group; an edited word falls out.
    const edited = [...four, note('r', `5月5日 ${t.replace('当前', '目前')}`)];
    expect(detectTemplates(edited, { similarity })[0].numbers.count).toBe(5);
    expect(detectTemplates(edited, { similarity: 1, minGroup: 4 })[0].numbers.count).toBe(4);
  });

  it('[P8] ignores notes too short to call copied, and keeps reps apart', () => {
    const short = Array.from({ length: 10 }, () => note('r', '已拜访。'));
    expect(detectTemplates(short, { similarity })).toEqual([]);
    expect(detectTemplates(short, { similarity, minChars: 2 })).toHaveLength(1);
    // The same template pasted by two reps: two flags, one per rep, never one merged group.
    const shared = ['a', 'b'].flatMap((r) => [1, 2, 3, 4, 5].map((d) => note(r, `${d}日${NOTE_TEMPLATES[5]}`, `team-${r}`)));
    const flags = detectTemplates(shared, { similarity });
    expect(flags.map((f) => [f.repId, f.teamId, f.numbers.count])).toEqual([
      ['a', 'team-a', 5],
      ['b', 'team-b', 5],
    ]);
  });

  it('[P8] the band index finds the same groups as comparing every pair', () => {
    // 1,500 notes of one rep: phrase-bank notes plus three templates, some lightly edited.
    const rng = createRng('lsh-vs-brute');
    const notes: NoteInput[] = honest.visits.slice(0, 1200).map((v) => note('r', v.note));
    for (let i = 0; i < 300; i++) notes.push(note('r', templatedNote(rng, NOTE_TEMPLATES[i % 3], at(1 + (i % 28)))));
    const flags = detectTemplates(notes, { similarity, minGroup: 2 });
    const lsh = new Set(flags.flatMap((f) => f.visitIds));
    // Brute force: every note with a ≥ threshold partner.
    const sets = notes.map((n) => bigrams(normaliseNote(n.text)));
    const brute = new Set<string>();
    for (let i = 0; i < notes.length; i++) {
      for (let j = i + 1; j < notes.length; j++) {
        if (sets[i].length >= 7 && sets[j].length >= 7 && repeatedShare(sets[i], sets[j]) >= similarity) brute.add(notes[i].visitId).add(notes[j].visitId);
      }
    }
    expect(brute.size).toBeGreaterThan(300);
    const missed = [...brute].filter((v) => !lsh.has(v));
    expect(missed.length / brute.size).toBeLessThan(0.01);
    expect([...lsh].every((v) => brute.has(v))).toBe(true);
  });
});
