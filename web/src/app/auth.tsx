// Who is signed in: GET /auth/me on load, login/logout, and the 401 → login redirect.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { Button, Empty, Spin } from 'antd';
import { rememberCsrfToken, request, setUnauthorizedHandler } from './api.js';
import { can, type Abilities, type Role } from './abilities.js';
import { isApiError } from './problem.js';
import { appMessages } from './messages.js';
import { useAdoptProfileLocale, useLang, useT } from './lang.js';

export interface Me {
  user: {
    id: string;
    username: string;
    displayName: string;
    role: Role;
    teamId: string | null;
    regionId: string | null;
    isMentor: boolean;
    locale: string;
  };
  tenant: { id: string; slug: string; name: string; timeZone: string };
  abilities: Abilities;
  csrfToken: string | null;
  via?: 'user' | 'token';
}

export interface LoginInput {
  tenant: string;
  username: string;
  password: string;
}

interface AuthState {
  me: Me | null;
  loading: boolean;
  error: unknown;
  refetch: () => void;
  login: (input: LoginInput) => Promise<Me>;
  logout: () => Promise<void>;
}

const ME_KEY = ['auth', 'me'] as const;
const AuthContext = createContext<AuthState | null>(null);

async function fetchMe(): Promise<Me | null> {
  try {
    const me = await request<Me>('GET', '/auth/me', { expectUnauthorized: true });
    rememberCsrfToken(me.csrfToken);
    return me;
  } catch (e) {
    if (isApiError(e) && e.status === 401) return null;
    throw e;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const q = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity, retry: false });

  useEffect(() => {
    // An expired session anywhere drops cached data; RequireAuth then shows the login page.
    setUnauthorizedHandler(() => {
      qc.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
      qc.setQueryData(ME_KEY, null);
      rememberCsrfToken(null);
    });
  }, [qc]);

  // Server texts (problem details, titles) follow Accept-Language: refetch after a switch.
  const { lang } = useLang();
  const firstLang = useRef(true);
  useEffect(() => {
    if (firstLang.current) {
      firstLang.current = false;
      return;
    }
    void qc.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
  }, [lang, qc]);

  const login = useCallback(
    async (input: LoginInput) => {
      const me = await request<Me>('POST', '/auth/login', { body: input, expectUnauthorized: true });
      rememberCsrfToken(me.csrfToken);
      qc.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
      qc.setQueryData(ME_KEY, me);
      return me;
    },
    [qc],
  );

  const logout = useCallback(async () => {
    try {
      await request('POST', '/auth/logout', { expectUnauthorized: true });
    } finally {
      rememberCsrfToken(null);
      qc.clear();
      qc.setQueryData(ME_KEY, null);
      navigate('/login', { replace: true });
    }
  }, [qc, navigate]);

  const value = useMemo<AuthState>(
    () => ({ me: q.data ?? null, loading: q.isPending, error: q.error, refetch: () => void q.refetch(), login, logout }),
    [q, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** Inside RequireAuth the user is known. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe outside RequireAuth');
  return me;
}

export function useCan() {
  const me = useMe();
  return useCallback((resource: string, action: string) => can(me.abilities, resource, action), [me.abilities]);
}

export function FullPageSpin() {
  return (
    <div style={{ display: 'flex', height: '100vh', alignItems: 'center', justifyContent: 'center' }}>
      <Spin size="large" />
    </div>
  );
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading, error, refetch } = useAuth();
  const location = useLocation();
  const t = useT(appMessages);
  useAdoptProfileLocale(me?.user.locale);
  if (loading) return <FullPageSpin />;
  if (!me && error) {
    return (
      <Empty style={{ paddingTop: '20vh' }} description={`${t('error.load')}: ${isApiError(error) ? error.detail : String(error)}`}>
        <Button onClick={refetch}>{t('error.retry')}</Button>
      </Empty>
    );
  }
  if (!me) {
    const next = location.pathname + location.search;
    return <Navigate to={next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'} replace />;
  }
  return <>{children}</>;
}
