// Toast messages in the theme and locale of the ConfigProvider. Only antd's message is
// loaded here (not App, which also pulls Modal and notification into the first download).
import { createContext, useContext, type ReactNode } from 'react';
import { message } from 'antd';
import type { MessageInstance } from 'antd/es/message/interface';

const MessageContext = createContext<MessageInstance | null>(null);

export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [api, holder] = message.useMessage();
  return (
    <MessageContext.Provider value={api}>
      {holder}
      {children}
    </MessageContext.Provider>
  );
}

export function useMessage(): MessageInstance {
  const ctx = useContext(MessageContext);
  if (!ctx) throw new Error('useMessage outside FeedbackProvider');
  return ctx;
}
