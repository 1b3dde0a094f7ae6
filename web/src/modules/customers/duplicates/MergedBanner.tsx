// Shown on a merged-away customer's page (C1): where it went, and undo for those allowed.
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Space } from 'antd';
import { UndoOutlined } from '@ant-design/icons';
import { useT } from '../../../app/lang.js';
import { formatDateTime } from '../../../app/format.js';
import { useMessage } from '../../../ui/feedback.js';
import { useShowError } from '../../../ui/useShowError.js';
import { useUndoMerge } from './api.js';
import { duplicateMessages } from './messages.js';

export interface MergeInfo {
  mergeId: string | null;
  mergedInto: string;
  mergedIntoName: string | null;
  mergedAt: string | null;
  canUndo: boolean;
}

export function MergedBanner({ customerId, merge }: { customerId: string; merge: MergeInfo }) {
  const t = useT(duplicateMessages);
  const undo = useUndoMerge();
  const message = useMessage();
  const showError = useShowError();
  const navigate = useNavigate();
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="merged-banner"
      title={
        <Space wrap size={4}>
          <span>{t('banner.merged')}</span>
          <Link to={`/customers/${merge.mergedInto}`} data-testid="merged-into-link">
            {merge.mergedIntoName ?? t('banner.hidden')}
          </Link>
          {merge.mergedAt ? <span style={{ color: 'rgba(0,0,0,0.45)' }}>{t('banner.at', { at: formatDateTime(merge.mergedAt) })}</span> : null}
        </Space>
      }
      action={
        merge.canUndo && merge.mergeId ? (
          <Button
            size="small"
            icon={<UndoOutlined />}
            loading={undo.isPending}
            data-testid="merge-undo"
            onClick={() =>
              undo.mutate(merge.mergeId!, {
                onSuccess: () => {
                  void message.success(t('banner.undone'));
                  navigate(`/customers/${customerId}`, { replace: true });
                },
                onError: showError,
              })
            }
          >
            {t('banner.undo')}
          </Button>
        ) : undefined
      }
    />
  );
}
