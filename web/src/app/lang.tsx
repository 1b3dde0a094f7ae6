// UI language: zh-CN by default, en-US on request, remembered in localStorage (X6).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { initialLang, LANG_STORAGE_KEY, makeT, type Lang, type Messages, type Translate } from './i18n.js';
import { setApiLanguage } from './api.js';
import { FeedbackProvider } from '../ui/feedback.js';

interface LangState {
  lang: Lang;
  setLang: (l: Lang) => void;
  /** True when the user picked a language on this device (the profile locale then does not apply). */
  chosen: boolean;
  /** Follows the profile's locale without remembering it as a choice. */
  adopt: (l: Lang) => void;
}

const LangContext = createContext<LangState>({ lang: 'zh-CN', setLang: () => undefined, chosen: false, adopt: () => undefined });

function stored(): string | null {
  try {
    return localStorage.getItem(LANG_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => initialLang(stored()));
  const [chosen, setChosen] = useState(() => stored() !== null);
  setApiLanguage(lang);

  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    setChosen(true);
    try {
      localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }, []);

  const adopt = useCallback((l: Lang) => setLangState(l), []);

  useEffect(() => {
    document.documentElement.lang = lang;
    dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  }, [lang]);

  const value = useMemo(() => ({ lang, setLang, chosen, adopt }), [lang, setLang, chosen, adopt]);
  return (
    <LangContext.Provider value={value}>
      <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1f5fbf', borderRadius: 6 } }}>
        <FeedbackProvider>{children}</FeedbackProvider>
      </ConfigProvider>
    </LangContext.Provider>
  );
}

export const useLang = () => useContext(LangContext);

/** `const t = useT(customerMessages)` — typed keys, zh-CN fallback. */
export function useT<K extends string>(msgs: Messages<K>): Translate<K> {
  const { lang } = useLang();
  return useMemo(() => makeT(msgs, lang), [msgs, lang]);
}

/** Adopts the profile's locale once after sign-in when nothing was chosen on this device. */
export function useAdoptProfileLocale(profileLocale: string | null | undefined) {
  const { chosen, adopt } = useLang();
  useEffect(() => {
    if (!chosen && profileLocale) adopt(initialLang(null, profileLocale));
  }, [chosen, profileLocale, adopt]);
}
