// Objection categories: the code stored in an objection's `category` field and its labels, shared
// by the field app (its chips) and the visit page (no imports: the field bundle stays small).
export const OBJECTION_CATEGORIES: readonly { value: string; zh: string; en: string }[] = [
  { value: 'price', zh: '价格', en: 'Price' },
  { value: 'feature', zh: '功能', en: 'Features' },
  { value: 'competitor', zh: '竞品', en: 'Competitor' },
  { value: 'timing', zh: '时机', en: 'Timing' },
  { value: 'decision', zh: '决策流程', en: 'Decision process' },
  { value: 'delivery', zh: '交付', en: 'Delivery' },
];

const OTHER = { value: 'other', zh: '其他', en: 'Other' };

/** The label of a stored category in the UI's language; an unknown code is shown as stored. */
export function objectionCategoryLabel(code: string, lang: 'zh-CN' | 'en-US'): string {
  const c = [...OBJECTION_CATEGORIES, OTHER].find((x) => x.value === code);
  return c ? (lang === 'zh-CN' ? c.zh : c.en) : code;
}
