// Import wizard (C2): upload a CSV/XLSX (GBK or UTF-8), see the detected encoding and the first
// rows, confirm the column mapping and the source system, check (dry run with a row-level error
// report), then import — rows with errors only when the user says so. Re-importing a file changes nothing.
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { request } from '../../app/api.js';
import { Link } from 'react-router-dom';
import { Alert, AutoComplete, Button, Card, Checkbox, Flex, Result, Select, Space, Spin, Steps, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useLang, useT } from '../../app/lang.js';
import { useMe } from '../../app/auth.js';
import { formatDateTime } from '../../app/format.js';
import { useIsMobile } from '../../app/media.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { useShowError } from '../../ui/useShowError.js';
import { CustomerSections } from './sections.js';
import {
  commitImport,
  dryRunImport,
  previewImport,
  uploadFile,
  useImportTargets,
  type CommitResult,
  type DryRun,
  type Preview,
  type RowError,
} from './sources/api.js';
import { sourceMessages } from './sources/messages.js';

const SOURCES = ['工商登记', 'CRM', '客服系统', '市场系统'];

export function ImportPage() {
  const t = useT(sourceMessages);
  const { lang } = useLang();
  const me = useMe();
  const mobile = useIsMobile();
  const showError = useShowError();
  const targets = useImportTargets();
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [target, setTarget] = useState('customers');
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [sourceSystem, setSourceSystem] = useState(SOURCES[0]);
  const [report, setReport] = useState<DryRun | null>(null);
  const [allowPartial, setAllowPartial] = useState(false);
  const [done, setDone] = useState<CommitResult | null>(null);
  const [fileError, setFileError] = useState<unknown>(null);

  const [defaultOwnerId, setDefaultOwnerId] = useState<string | undefined>();
  const [ownerSearch, setOwnerSearch] = useState('');
  // Non-sales roles (e.g. an administrator) choose who owns the new customers of a file.
  const needsOwner = !['rep', 'manager', 'director'].includes(me.user.role);
  const owners = useQuery({
    queryKey: ['import-owners', ownerSearch],
    queryFn: () => request<{ items: { id: string; displayName: string; role: string }[] }>('GET', '/org/users', { query: { q: ownerSearch || undefined, pageSize: 50 } }),
    enabled: needsOwner && target === 'customers',
  });
  const allowed = useMemo(() => (targets.data?.items ?? []).filter((x) => x.allowed), [targets.data]);
  const current = allowed.find((x) => x.kind === target);
  // A role that may not import customers (e.g. customer service) starts on its first allowed target.
  useEffect(() => {
    if (allowed.length && !allowed.some((x) => x.kind === target)) setTarget(allowed[0].kind);
  }, [allowed, target]);
  const step = done ? 3 : report ? 2 : preview ? 1 : 0;

  const reset = () => {
    setPreview(null);
    setReport(null);
    setDone(null);
    setAllowPartial(false);
    setFileError(null);
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    reset();
    setBusy(true);
    try {
      const sha = await uploadFile(file, lang);
      const p = await previewImport(sha);
      setPreview(p);
      const best = p.suggestions.find((s) => allowed.some((a) => a.kind === s.target)) ?? null;
      const kind = allowed.some((a) => a.kind === target) && p.suggestions.find((s) => s.target === target)?.score ? target : (best?.target ?? target);
      setTarget(kind);
      setMapping(p.suggestions.find((s) => s.target === kind)?.mapping ?? {});
    } catch (e) {
      setFileError(e);
    } finally {
      setBusy(false);
    }
  };

  const body = () => ({ sha256: preview!.sha256, target, mapping, sourceSystem: sourceSystem.trim() || SOURCES[0], allowPartial, defaultOwnerId });

  const check = async () => {
    setBusy(true);
    try {
      setReport(await dryRunImport(body()));
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  const commit = async () => {
    setBusy(true);
    try {
      setDone(await commitImport(body()));
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  const errorColumns: TableColumnsType<RowError> = [
    { key: 'rowNo', title: t('import.row'), dataIndex: 'rowNo', width: 70 },
    { key: 'column', title: t('import.column'), render: (_: unknown, e) => current?.columns.find((c) => c.key === e.column)?.label[lang] ?? e.column ?? '—', width: 140 },
    { key: 'message', title: t('import.message'), render: (_: unknown, e) => e.message[lang] },
  ];

  return (
    <div>
      <CustomerSections />
      <PageHeader title={t('import.title')} testId="import-title" />
      {mobile ? (
        <Typography.Paragraph type="secondary" data-testid="import-step">
          {step + 1}/4 · {[t('import.step.upload'), t('import.step.mapping'), t('import.step.check'), t('import.step.done')][step]}
        </Typography.Paragraph>
      ) : (
        <Steps
          size="small"
          current={step}
          style={{ marginBottom: 16 }}
          items={[{ title: t('import.step.upload') }, { title: t('import.step.mapping') }, { title: t('import.step.check') }, { title: t('import.step.done') }]}
        />
      )}
      {targets.error ? <ErrorState error={targets.error} /> : null}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex vertical gap={12}>
          <Flex gap={12} wrap>
            <label style={{ flex: 1, minWidth: 220 }}>
              <div>{t('import.source')}</div>
              <AutoComplete
                style={{ width: '100%' }}
                value={sourceSystem}
                onChange={(v) => setSourceSystem(String(v).slice(0, 40))}
                options={SOURCES.map((s) => ({ value: s }))}
                data-testid="import-source"
              />
            </label>
            <label style={{ flex: 1, minWidth: 220 }}>
              <div>{t('import.target')}</div>
              <Select
                style={{ width: '100%' }}
                value={target}
                onChange={(v) => {
                  setTarget(v);
                  setReport(null);
                  setMapping(preview?.suggestions.find((s) => s.target === v)?.mapping ?? {});
                }}
                options={allowed.map((x) => ({ value: x.kind, label: x.label[lang] }))}
                data-testid="import-target"
              />
            </label>
          </Flex>
          {needsOwner && target === 'customers' ? (
            <label>
              <div>{t('import.defaultOwner')}</div>
              <Select
                showSearch
                allowClear
                filterOption={false}
                style={{ width: '100%', maxWidth: 420 }}
                value={defaultOwnerId}
                onSearch={setOwnerSearch}
                onChange={(v) => {
                  setDefaultOwnerId(v);
                  setReport(null);
                }}
                options={(owners.data?.items ?? []).filter((u) => ['rep', 'manager', 'director'].includes(u.role)).map((u) => ({ value: u.id, label: u.displayName }))}
                data-testid="import-owner"
              />
            </label>
          ) : null}
          <label>
            <div>{t('import.file')}</div>
            <input
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => void onFile(e.target.files?.[0])}
              data-testid="import-file"
              style={{ maxWidth: '100%' }}
            />
          </label>
          {busy && !preview ? <Spin tip={t('import.uploading')} /> : null}
          {fileError ? <ErrorState error={fileError} compact /> : null}
        </Flex>
      </Card>

      {preview && !done ? (
        <Card size="small" title={t('import.mapping')} style={{ marginBottom: 12 }} data-testid="import-preview">
          <Typography.Paragraph data-testid="import-detected">
            {t('import.detected', { format: preview.format.toUpperCase(), encoding: preview.encoding.toUpperCase(), rows: preview.totalRows })}
          </Typography.Paragraph>
          <Flex vertical gap={6} style={{ marginBottom: 12 }}>
            {preview.headers.map((h, i) => (
              <Flex key={i} gap={8} align="center" wrap>
                <span style={{ minWidth: 140, fontWeight: 500 }}>{h || `#${i + 1}`}</span>
                <span>→</span>
                <Select
                  style={{ minWidth: 200, flex: mobile ? 1 : undefined }}
                  value={mapping[String(i)] ?? ''}
                  onChange={(v) => {
                    setReport(null);
                    setMapping((m) => {
                      const next = Object.fromEntries(Object.entries(m).filter(([k, x]) => k !== String(i) && x !== v));
                      return v ? { ...next, [String(i)]: v } : next;
                    });
                  }}
                  options={[{ value: '', label: t('import.ignore') }, ...(current?.columns ?? []).map((c) => ({ value: c.key, label: `${c.label[lang]}${c.required ? ' *' : ''}` }))]}
                  data-testid={`import-map-${i}`}
                />
              </Flex>
            ))}
          </Flex>
          <Typography.Text type="secondary">{t('import.preview', { n: preview.rows.length })}</Typography.Text>
          <Table
            size="small"
            style={{ marginTop: 6 }}
            scroll={{ x: true }}
            pagination={false}
            rowKey={(r) => String(r.rowNo)}
            dataSource={preview.rows.slice(0, mobile ? 5 : 10)}
            columns={[
              { key: 'rowNo', title: '#', dataIndex: 'rowNo', width: 50 },
              ...preview.headers.map((h, i) => ({ key: String(i), title: h, render: (_: unknown, r: Preview['rows'][number]) => r.cells[i] ?? '' })),
            ]}
            data-testid="import-preview-table"
          />
          <Button type="primary" style={{ marginTop: 12 }} onClick={() => void check()} loading={busy} data-testid="import-dry-run">
            {t('import.dryRun')}
          </Button>
        </Card>
      ) : null}

      {report && !done ? (
        <Card size="small" title={t('import.step.check')} style={{ marginBottom: 12 }} data-testid="import-report">
          {report.alreadyImported ? (
            <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('import.already', { when: formatDateTime(report.alreadyImported.createdAt, me.tenant.timeZone) })} />
          ) : null}
          <Typography.Paragraph data-testid="import-report-summary">
            {t('import.report', { total: report.totalRows, valid: report.validRows, errors: report.errorRows })}
            {report.newCustomers !== undefined ? `；${t('import.newCustomers', { n: report.newCustomers })}` : ''}
          </Typography.Paragraph>
          {report.errors.length ? (
            <Table size="small" rowKey={(e, i) => `${e.rowNo}-${e.column}-${i}`} dataSource={report.errors} columns={errorColumns} pagination={{ pageSize: 20 }} data-testid="import-errors" />
          ) : (
            <Alert type="success" showIcon title={t('import.noErrors')} />
          )}
          <Space wrap style={{ marginTop: 12 }}>
            {report.errors.length ? (
              <Checkbox checked={allowPartial} onChange={(e) => setAllowPartial(e.target.checked)} data-testid="import-allow-partial">
                {t('import.allowPartial')}
              </Checkbox>
            ) : null}
            <Button
              type="primary"
              onClick={() => void commit()}
              loading={busy}
              disabled={(report.errors.length > 0 && !allowPartial) || report.validRows === 0}
              data-testid="import-commit"
            >
              {t('import.commit')}
            </Button>
          </Space>
        </Card>
      ) : null}

      {done ? (
        <Result
          status={done.alreadyImported ? 'info' : 'success'}
          title={
            <span data-testid="import-result">
              {done.alreadyImported
                ? t('import.already', { when: done.batch ? formatDateTime(done.batch.createdAt, me.tenant.timeZone) : '' })
                : t('import.done', { created: done.created, updated: done.updated, unchanged: done.unchanged })}
            </span>
          }
          extra={[
            <Button key="again" onClick={reset} data-testid="import-again">
              {t('import.again')}
            </Button>,
            <Link key="conflicts" to="/customers/conflicts" data-testid="import-to-conflicts">
              <Button type="primary">{t('import.toConflicts')}</Button>
            </Link>,
          ]}
        />
      ) : null}
    </div>
  );
}
