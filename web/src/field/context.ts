// What every field page needs: texts, the signed-in rep, the outbox and its state, a toast.
import { createContext, useContext } from 'react';
import type { Lang } from '../app/i18n.js';
import type { Me } from './api.js';
import type { T } from './messages.js';
import type { OutboxQueue, QueueSnapshot } from './queue.js';

export interface Field {
  t: T;
  lang: Lang;
  setLang: (l: Lang) => void;
  me: Me | null;
  queue: OutboxQueue;
  outbox: QueueSnapshot;
  online: boolean;
  toast: (text: string) => void;
  newId: () => string;
}

export const FieldContext = createContext<Field | null>(null);

export function useField(): Field {
  const f = useContext(FieldContext);
  if (!f) throw new Error('FieldContext missing');
  return f;
}
