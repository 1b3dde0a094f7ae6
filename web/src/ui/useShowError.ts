import { useCallback } from 'react';
import { isApiError } from '../app/problem.js';
import { useMessage } from './feedback.js';

/** Shows the server's problem detail (or the error's message) as a toast. */
export function useShowError() {
  const message = useMessage();
  return useCallback(
    (e: unknown) => {
      const text = isApiError(e) ? e.detail : e instanceof Error ? e.message : String(e);
      void message.error(text);
    },
    [message],
  );
}
