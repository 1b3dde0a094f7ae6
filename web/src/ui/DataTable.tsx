// The desktop half of DataList: antd Table (heavy, so loaded only on wide screens).
import type { HTMLAttributes } from 'react';
import { Table } from 'antd';
import type { TablePaginationConfig } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { appMessages } from '../app/messages.js';
import { useT } from '../app/lang.js';
import type { DataListProps } from './DataList.js';

export function DataTable<T extends object>(props: DataListProps<T>) {
  const t = useT(appMessages);
  const { paging } = props;
  const pagination: TablePaginationConfig | false = paging
    ? {
        current: paging.page,
        pageSize: paging.pageSize,
        total: paging.total,
        showSizeChanger: !paging.fixedSize,
        pageSizeOptions: [10, 20, 50, 100],
        showTotal: (total) => t('total', { total }),
      }
    : false;

  return (
    <Table<T>
      rowKey={props.rowKey}
      columns={props.columns}
      dataSource={props.data}
      loading={props.loading}
      size={props.size ?? 'middle'}
      pagination={pagination}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: props.emptyText ?? t('empty') }}
      expandable={props.expandedRow ? { expandedRowRender: props.expandedRow } : undefined}
      onRow={(row) =>
        ({
          'data-testid': props.rowTestId,
          onClick: props.onRowClick ? () => props.onRowClick!(row) : undefined,
          style: props.onRowClick ? { cursor: 'pointer' } : undefined,
        }) as HTMLAttributes<HTMLElement>
      }
      onChange={(p, _filters, sorter, extra) => {
        if (extra.action === 'paginate' && paging) paging.onChange(p.current ?? 1, p.pageSize ?? paging.pageSize);
        if (extra.action === 'sort' && props.onSortChange) {
          const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<T>;
          const order = s.order === 'ascend' ? 'asc' : s.order === 'descend' ? 'desc' : undefined;
          props.onSortChange(order ? String(s.columnKey ?? s.field) : undefined, order);
        }
      }}
    />
  );
}
