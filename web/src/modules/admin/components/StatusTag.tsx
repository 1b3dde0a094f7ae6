import { Tag } from 'antd';

const GREEN = ['succeeded', 'success', 'ok', 'done', 'sent', 'delivered', 'active', 'approved'];
const RED = ['failed', 'failure', 'error', 'dead', 'rejected', 'cancelled'];
const BLUE = ['running', 'sending', 'started', 'in_progress'];
const ORANGE = ['pending', 'queued', 'retrying', 'waiting', 'proposed'];

/** Status words from the server shown as they are, coloured by meaning. */
export function StatusTag({ status }: { status: string | null | undefined }) {
  if (!status) return null;
  const s = status.toLowerCase();
  const color = GREEN.includes(s) ? 'success' : RED.includes(s) ? 'error' : BLUE.includes(s) ? 'processing' : ORANGE.includes(s) ? 'warning' : 'default';
  return (
    <Tag color={color} data-testid="status-tag">
      {status}
    </Tag>
  );
}
