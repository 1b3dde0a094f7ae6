// How a failed load looks: a module the server does not offer yet is an honest empty state,
// a refusal says so, anything else shows the server's own message with a retry.
import { Alert, Button, Empty } from 'antd';
import { isApiError } from '../app/problem.js';
import { appMessages } from '../app/messages.js';
import { useT } from '../app/lang.js';

export function ErrorState({ error, onRetry, compact }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const t = useT(appMessages);
  if (isApiError(error) && error.isMissingEndpoint) {
    return <Empty data-testid="endpoint-unavailable" description={t('endpoint.unavailable')} />;
  }
  if (isApiError(error) && error.status === 403) {
    return <Alert type="warning" showIcon title={t('error.forbidden')} description={compact ? undefined : error.detail} data-testid="forbidden" />;
  }
  const detail = isApiError(error) ? error.detail : error instanceof Error ? error.message : String(error);
  return (
    <Alert
      type="error"
      showIcon
      title={t('error.load')}
      description={detail}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('error.retry')}</Button> : undefined}
    />
  );
}
