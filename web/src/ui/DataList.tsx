// A list that is a table on a desktop and a stack of cards on a phone, from one column list.
// The phone never downloads antd's Table: cards and the pager are plain elements.
import { lazy, Suspense, type ReactNode } from 'react';
import { Button, Empty, Flex, Spin } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import type { TableColumnType as ColumnType, TableColumnsType as ColumnsType } from 'antd';
import { useIsMobile } from '../app/media.js';
import { appMessages } from '../app/messages.js';
import { useT } from '../app/lang.js';

export type SortOrder = 'asc' | 'desc';

export interface DataListProps<T> {
  rowKey: (row: T) => string;
  columns: ColumnsType<T>;
  data: T[] | undefined;
  loading?: boolean;
  /** Server-side paging; leave out for a short unpaged list. */
  paging?: { page: number; pageSize: number; total: number; onChange: (page: number, pageSize: number) => void; fixedSize?: boolean };
  onSortChange?: (key: string | undefined, order: SortOrder | undefined) => void;
  rowTestId?: string;
  onRowClick?: (row: T) => void;
  /** Card title on a phone; defaults to the first column's cell. */
  cardTitle?: (row: T) => ReactNode;
  cardExtra?: (row: T) => ReactNode;
  /** Column keys not repeated in the card body. */
  cardHide?: readonly string[];
  expandedRow?: (row: T) => ReactNode;
  emptyText?: ReactNode;
  size?: 'small' | 'middle';
}

const DataTable = lazy(async () => ({ default: (await import('./DataTable.js')).DataTable })) as <T extends object>(p: DataListProps<T>) => ReactNode;

function cell<T>(col: ColumnType<T>, row: T, index: number): ReactNode {
  const di = col.dataIndex;
  let value: unknown = row;
  if (Array.isArray(di)) for (const k of di) value = (value as Record<string, unknown> | undefined)?.[String(k)];
  else if (di !== undefined) value = (row as Record<string, unknown>)[String(di)];
  else value = undefined;
  if (col.render) {
    const out = col.render(value, row, index);
    return out && typeof out === 'object' && 'children' in (out as object) && !('$$typeof' in (out as object)) ? (out as { children: ReactNode }).children : (out as ReactNode);
  }
  return value === null || value === undefined ? '' : (value as ReactNode);
}

const colKey = <T,>(c: ColumnType<T>, i: number) => String(c.key ?? (Array.isArray(c.dataIndex) ? c.dataIndex.join('.') : c.dataIndex) ?? i);

const cardStyle = { background: '#fff', borderRadius: 8, border: '1px solid #f0f0f0', padding: '10px 12px' } as const;

/** Previous / next with "page x of y" — enough for a thumb. */
export function Pager({ page, pageSize, total, onChange }: { page: number; pageSize: number; total: number; onChange: (page: number, pageSize: number) => void }) {
  const t = useT(appMessages);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Flex justify="space-between" align="center" style={{ padding: '4px 0' }} data-testid="pager">
      <Button icon={<LeftOutlined />} disabled={page <= 1} onClick={() => onChange(page - 1, pageSize)} aria-label="previous page" />
      <span style={{ color: 'rgba(0,0,0,0.65)', fontSize: 13 }}>
        {page} / {pages} · {t('total', { total })}
      </span>
      <Button icon={<RightOutlined />} disabled={page >= pages} onClick={() => onChange(page + 1, pageSize)} aria-label="next page" />
    </Flex>
  );
}

function CardList<T extends object>(props: DataListProps<T>) {
  const t = useT(appMessages);
  const { data, paging, rowKey } = props;
  const [first, ...rest] = props.columns as ColumnType<T>[];
  return (
    <Spin spinning={!!props.loading}>
      <Flex vertical gap={10}>
        {data && data.length === 0 ? <Empty description={props.emptyText ?? t('empty')} style={{ ...cardStyle, padding: 24, margin: 0 }} /> : null}
        {(data ?? []).map((row, i) => (
          <div
            key={rowKey(row)}
            data-testid={props.rowTestId}
            style={{ ...cardStyle, cursor: props.onRowClick ? 'pointer' : undefined }}
            onClick={props.onRowClick ? () => props.onRowClick!(row) : undefined}
          >
            <Flex justify="space-between" align="center" gap={8} style={{ marginBottom: 6 }}>
              <div style={{ fontWeight: 500, minWidth: 0, wordBreak: 'break-word' }}>{props.cardTitle ? props.cardTitle(row) : first ? cell(first, row, i) : null}</div>
              {props.cardExtra ? <div style={{ flex: '0 0 auto' }}>{props.cardExtra(row)}</div> : null}
            </Flex>
            <Flex vertical gap={3}>
              {rest
                .filter((c, j) => !props.cardHide?.includes(colKey(c, j + 1)))
                .map((c, j) => {
                  const v = cell(c, row, i);
                  if (v === '' || v === null || v === undefined) return null;
                  return (
                    <Flex key={colKey(c, j + 1)} gap={8} style={{ fontSize: 13 }}>
                      <span style={{ color: '#8c8c8c', flex: '0 0 auto', minWidth: 64 }}>{c.title as ReactNode}</span>
                      <span style={{ flex: '1 1 auto', minWidth: 0, wordBreak: 'break-word' }}>{v}</span>
                    </Flex>
                  );
                })}
              {props.expandedRow ? props.expandedRow(row) : null}
            </Flex>
          </div>
        ))}
        {paging && paging.total > paging.pageSize ? <Pager page={paging.page} pageSize={paging.pageSize} total={paging.total} onChange={paging.onChange} /> : null}
      </Flex>
    </Spin>
  );
}

export function DataList<T extends object>(props: DataListProps<T>) {
  const mobile = useIsMobile();
  if (mobile) return <CardList {...props} />;
  return (
    <Suspense
      fallback={
        <Flex justify="center" style={{ padding: 32 }}>
          <Spin />
        </Flex>
      }
    >
      <DataTable<T> {...props} />
    </Suspense>
  );
}
