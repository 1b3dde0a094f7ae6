// Printable QR sheet (P9): pick customers from the user's list, then print one card per customer —
// name, address and the signed QR code the field app scans — eight to an A4 page (2 × 4), with
// nothing of the app around them on paper.
import { useEffect, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import { Button, Checkbox, Empty, Flex, Input, Spin, Tag, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useT } from '../../app/lang.js';
import { Pager } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { qrSvgUrl, useCustomerPicker, type CustomerBrief } from './api.js';
import { processMessages } from './messages.js';

const PAGE_SIZE = 20;
const PER_SHEET = 8;

/** Screen and print rules of the sheet; printing hides the app's frame and everything marked tl-noprint. */
const SHEET_CSS = `
.qr-sheet { display: flex; flex-direction: column; gap: 16px; }
.qr-page { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; background: #fff; padding: 12px; border-radius: 8px; border: 1px solid #f0f0f0; }
.qr-card { display: flex; gap: 12px; align-items: center; border: 1px dashed #bfbfbf; border-radius: 6px; padding: 10px; min-height: 150px; overflow: hidden; }
.qr-card img { width: 128px; height: 128px; flex: 0 0 auto; }
.qr-card .qr-text { min-width: 0; display: flex; flex-direction: column; gap: 4px; }
.qr-card .qr-name { font-size: 16px; font-weight: 600; line-height: 1.35; word-break: break-word; color: #000; }
.qr-card .qr-address { font-size: 12px; color: #434343; line-height: 1.4; word-break: break-word; }
.qr-card .qr-hint { font-size: 11px; color: #8c8c8c; }
@media screen and (max-width: 767.98px) {
  .qr-page { grid-template-columns: 1fr; }
}
@media print {
  @page { size: A4 portrait; margin: 10mm; }
  html, body { background: #fff !important; height: auto !important; }
  /* Only the sheet is printed: the app (sider, header, tab bar, picker) stays on screen. */
  #root, .ant-message, .ant-image-preview-root { display: none !important; }
  .qr-print { display: block !important; }
  .qr-print .qr-sheet { display: block; margin: 0 !important; }
  .qr-print .qr-page { display: grid; grid-template-columns: 1fr 1fr; grid-template-rows: repeat(4, 1fr); gap: 4mm; height: 272mm; overflow: hidden; padding: 0; border: 0; border-radius: 0; break-after: page; page-break-after: always; }
  .qr-print .qr-page:last-child { break-after: auto; page-break-after: auto; }
  .qr-print .qr-card { min-height: 0; height: 100%; box-sizing: border-box; padding: 3mm; gap: 3mm; break-inside: avoid; border: 0.3mm dashed #999; }
  .qr-print .qr-card img { width: 40mm; height: 40mm; }
  .qr-print .qr-card .qr-name { font-size: 12pt; }
  .qr-print .qr-card .qr-address { font-size: 8.5pt; color: #333; }
  .qr-print .qr-card .qr-hint { font-size: 8pt; color: #666; }
}
.qr-print { display: none; }
`;

const addressOf = (c: CustomerBrief) => c.address || [c.province, c.city].filter(Boolean).join(' ') || null;

function chunk<T>(list: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

function Sheet({ customers, testId }: { customers: CustomerBrief[]; testId?: string }) {
  const t = useT(processMessages);
  return (
    <div className="qr-sheet" data-testid={testId} style={{ marginTop: 16 }}>
      {chunk(customers, PER_SHEET).map((sheet, i) => (
        <div className="qr-page" key={i}>
          {sheet.map((c) => (
            <div className="qr-card" key={c.id} data-testid={testId ? 'qr-card' : undefined}>
              <img src={qrSvgUrl(c.id)} alt={`QR ${c.name ?? c.id}`} />
              <div className="qr-text">
                <div className="qr-name">{c.name ?? c.id}</div>
                <div className="qr-address">{addressOf(c) ?? t('qr.noAddress')}</div>
                <div className="qr-hint">{t('qr.hint')}</div>
              </div>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}

export function QrSheetPage() {
  const t = useT(processMessages);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Map<string, CustomerBrief>>(new Map());
  useEffect(() => {
    const h = setTimeout(() => {
      setQ(text.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(h);
  }, [text]);
  const list = useCustomerPicker({ q: q || undefined, page, pageSize: PAGE_SIZE });
  const items = list.data?.items ?? [];
  const chosen = useMemo(() => [...selected.values()], [selected]);

  const toggle = (c: CustomerBrief, on: boolean) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (on) next.set(c.id, c);
      else next.delete(c.id);
      return next;
    });
  const selectPage = () =>
    setSelected((prev) => {
      const next = new Map(prev);
      for (const c of items) next.set(c.id, c);
      return next;
    });

  return (
    <div>
      <style>{SHEET_CSS}</style>
      <div className="tl-noprint">
        <Typography.Paragraph type="secondary">{t('qr.intro')}</Typography.Paragraph>
        <Flex gap={8} wrap align="center" style={{ marginBottom: 8 }}>
          <Input.Search allowClear value={text} onChange={(e) => setText(e.target.value)} placeholder={t('qr.search')} style={{ maxWidth: 280 }} data-testid="qr-search" />
          <Button onClick={selectPage} disabled={!items.length} data-testid="qr-select-page">
            {t('qr.selectPage')}
          </Button>
          <Button onClick={() => setSelected(new Map())} disabled={!selected.size}>
            {t('qr.clear')}
          </Button>
          <Tag color={selected.size ? 'blue' : undefined} data-testid="qr-selected">
            {t('qr.selected', { count: selected.size })}
          </Tag>
          <Button type="primary" icon={<PrinterOutlined />} disabled={!selected.size} onClick={() => window.print()} data-testid="qr-print">
            {t('qr.print')}
          </Button>
        </Flex>
        {list.error ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Spin spinning={list.isFetching}>
            <div style={{ background: '#fff', border: '1px solid #f0f0f0', borderRadius: 8, padding: '4px 12px', marginBottom: 8 }}>
              {items.map((c) => (
                <label key={c.id} style={{ display: 'flex', gap: 8, alignItems: 'flex-start', padding: '6px 0', borderBottom: '1px solid #fafafa', cursor: 'pointer' }} data-testid="qr-customer">
                  <Checkbox checked={selected.has(c.id)} onChange={(e) => toggle(c, e.target.checked)} />
                  <span style={{ minWidth: 0 }}>
                    <span style={{ fontWeight: 500 }}>{c.name ?? c.id}</span>
                    {c.tier ? <Tag style={{ marginInlineStart: 6 }}>{c.tier}</Tag> : null}
                    <br />
                    <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-word' }}>
                      {addressOf(c) ?? t('qr.noAddress')}
                    </Typography.Text>
                  </span>
                </label>
              ))}
              {list.data && !items.length ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> : null}
            </div>
            {list.data && list.data.total > PAGE_SIZE ? <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onChange={(p) => setPage(p)} /> : null}
          </Spin>
        )}
      </div>
      {chosen.length ? (
        <>
          <Sheet customers={chosen} testId="qr-sheet" />
          {/* The printed copy lives outside the app's root, so nothing of the app's layout reaches paper. */}
          {createPortal(
            <div className="qr-print">
              <Sheet customers={chosen} />
            </div>,
            document.body,
          )}
        </>
      ) : (
        <Empty className="tl-noprint" image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('qr.empty')} style={{ marginTop: 24 }} />
      )}
    </div>
  );
}
