// Sign in with company code (tenant slug), username and password; the server's message
// (wrong password, locked account, rate limit) is shown as it is.
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Flex, Form, Input } from 'antd';
import { LockOutlined, ShopOutlined, UserOutlined } from '@ant-design/icons';
import { FullPageSpin, useAuth, type LoginInput } from './auth.js';
import { useT } from './lang.js';
import { appMessages } from './messages.js';
import { safeNext } from './nav.js';
import { isApiError } from './problem.js';
import { LangSwitch } from './Shell.js';

const TENANT_KEY = 'tl_tenant';

function rememberedTenant(): string {
  try {
    return localStorage.getItem(TENANT_KEY) || 'demo';
  } catch {
    return 'demo';
  }
}

export function LoginPage() {
  const t = useT(appMessages);
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  // The field app (/m/) is a separate page: reaching it needs a full page load, not an in-app route.
  const fieldApp = next === '/m' || next.startsWith('/m/');

  useEffect(() => {
    if (me && fieldApp) window.location.replace(next);
  }, [me, fieldApp, next]);

  if (me) return fieldApp ? <FullPageSpin /> : <Navigate to={next} replace />;

  const onFinish = async (v: LoginInput) => {
    setBusy(true);
    setError(null);
    try {
      await login({ tenant: v.tenant.trim(), username: v.username.trim(), password: v.password });
      try {
        localStorage.setItem(TENANT_KEY, v.tenant.trim());
      } catch {
        /* not remembered */
      }
      if (fieldApp) window.location.assign(next);
      else navigate(next, { replace: true });
    } catch (e) {
      setError(isApiError(e) ? e.detail : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const required = (field: string) => [{ required: true, message: t('login.required', { field }) }];

  return (
    <Flex vertical align="center" justify="center" style={{ minHeight: '100vh', padding: 16, background: 'linear-gradient(160deg, #eef3fb 0%, #f5f6f8 60%)' }}>
      <Flex justify="flex-end" style={{ width: '100%', maxWidth: 400, marginBottom: 12 }}>
        <LangSwitch compact />
      </Flex>
      <main style={{ width: '100%', maxWidth: 400, boxSizing: 'border-box', background: '#fff', borderRadius: 10, padding: 28, boxShadow: '0 2px 12px rgba(31,95,191,0.08)' }}>
        <h1 style={{ marginTop: 0, marginBottom: 4, color: '#1f5fbf', fontSize: 26, fontWeight: 600 }}>Trueline</h1>
        <p style={{ marginTop: 0, marginBottom: 24, color: 'rgba(0,0,0,0.45)' }}>
          {t('login.subtitle')} · {t('login.title')}
        </p>
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" /> : null}
        <Form<LoginInput> layout="vertical" requiredMark={false} initialValues={{ tenant: rememberedTenant() }} onFinish={onFinish} data-testid="login-form">
          <Form.Item name="tenant" label={t('login.tenant')} rules={required(t('login.tenant'))}>
            <Input prefix={<ShopOutlined />} autoComplete="organization" data-testid="login-tenant" />
          </Form.Item>
          <Form.Item name="username" label={t('login.username')} rules={required(t('login.username'))}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={required(t('login.password'))}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </main>
    </Flex>
  );
}
