// Uploads and downloads. Content is stored once (by SHA-256) in FileStorage; a tenant sees
// content only through its own `files` row, so a hash from another tenant is simply not found.
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Db, Sql } from '../db/db.js';
import type { Ctx } from '../context.js';
import type { Settings } from '../settings.js';
import { Problem, registerMessages } from '../http/problem.js';
import { createLocalStorage, sha256Of, type FileStorage } from './storage.js';
import { DEFAULT_ALLOWED_TYPES, decodeText, isAllowed, sanitizeFileName, sniff } from './sniff.js';
import * as store from './store.js';

registerMessages({
  file_too_large: {
    'zh-CN': '文件过大：上限为 {limitText}（{limit} 字节）',
    'en-US': 'The file is too large: the limit is {limitText} ({limit} bytes)',
  },
  file_type_not_allowed: {
    'zh-CN': '不允许上传此类文件：按内容识别为 {type}（.{ext}），此处只接受 {allowed}',
    'en-US': 'This kind of file is not accepted: its content is {type} (.{ext}); accepted here: {allowed}',
  },
  file_empty: { 'zh-CN': '文件是空的', 'en-US': 'The file is empty' },
  file_missing: {
    'zh-CN': '没有收到文件：请在表单字段 file 中上传一个文件',
    'en-US': 'No file received: upload one file in the form field "file"',
  },
  not_multipart: {
    'zh-CN': '上传文件需使用 multipart/form-data 格式',
    'en-US': 'Uploads must be sent as multipart/form-data',
  },
  file_content_missing: {
    'zh-CN': '文件内容已丢失（{sha256}），请联系管理员从备份恢复',
    'en-US': 'The file content is missing ({sha256}); ask your administrator to restore it from a backup',
  },
});

export interface FileMeta {
  sha256: string;
  size: number;
  mime: string;
  ext: string;
  /** Sanitised base name of the first upload of this content in this tenant. */
  originalName: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface SaveInput {
  buffer: Buffer;
  originalName?: string | null;
  /** Accepted MIME types (exact or `type/*`), checked against the sniffed type. Default: DEFAULT_ALLOWED_TYPES. */
  allowed?: readonly string[];
}

export interface FileService {
  readonly storage: FileStorage;
  readonly limitBytes: number;
  /** Sniffs, checks size and type, stores the content once and records it for the caller's tenant. */
  save(ctx: Ctx, input: SaveInput, opts?: { tx?: Sql }): Promise<FileMeta>;
  /** The tenant's metadata for this hash; 404 when the tenant has no such file. */
  meta(ctx: Ctx, sha256: string, opts?: { tx?: Sql }): Promise<FileMeta>;
  read(ctx: Ctx, sha256: string): Promise<{ meta: FileMeta; buffer: Buffer }>;
  open(ctx: Ctx, sha256: string): Promise<{ meta: FileMeta; stream: Readable }>;
}

export const toMeta = (r: store.FileRow): FileMeta => ({
  sha256: r.sha256,
  size: Number(r.size),
  mime: r.mime,
  ext: r.ext,
  originalName: r.original_name,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** For other platform parts running inside a transaction (e.g. mail attachments): the tenant's file, or undefined. */
export async function fileMetaOf(sql: Sql, tenantId: string, sha256: string): Promise<FileMeta | undefined> {
  const row = await store.fileBySha(sql, tenantId, sha256.toLowerCase());
  return row && toMeta(row);
}

export function humanBytes(n: number): string {
  if (n >= 1_048_576) return `${+(n / 1_048_576).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

export const tooLarge = (limit: number) => new Problem(413, 'file_too_large', { limit, limitText: humanBytes(limit) });

/** Storage defaults to `${dataDir}/files`; pass another FileStorage (e.g. S3) to replace it. */
export function createFileService(o: { db: Db; settings: Settings; storage?: FileStorage }): FileService {
  const { db } = o;
  const storage = o.storage ?? createLocalStorage(path.join(o.settings.dataDir, 'files'));
  const limitBytes = o.settings.uploadLimitBytes;

  async function meta(ctx: Ctx, sha256: string, opts: { tx?: Sql } = {}): Promise<FileMeta> {
    const sha = sha256.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new Problem(404, 'not_found');
    const found = await fileMetaOf(opts.tx ?? db, ctx.actor.tenantId, sha);
    if (!found) throw new Problem(404, 'not_found');
    return found;
  }

  return {
    storage,
    limitBytes,
    async save(ctx, input, opts = {}) {
      const { buffer } = input;
      if (buffer.length > limitBytes) throw tooLarge(limitBytes);
      if (buffer.length === 0) throw new Problem(400, 'file_empty');
      const originalName = sanitizeFileName(input.originalName) ?? null;
      const type = await sniff(buffer, originalName);
      const allowed = input.allowed ?? DEFAULT_ALLOWED_TYPES;
      if (!isAllowed(type.mime, allowed)) {
        throw new Problem(415, 'file_type_not_allowed', { type: type.mime, ext: type.ext, allowed: allowed.join(', ') }, { detectedType: type.mime, allowed });
      }
      const sha256 = sha256Of(buffer);
      // Content first: a row must never point at content that is not there.
      await storage.put(sha256, buffer);
      const { row } = await store.upsertFile(opts.tx ?? db, ctx.actor.tenantId, {
        sha256,
        size: buffer.length,
        mime: type.mime,
        ext: type.ext,
        originalName,
        createdBy: ctx.actor.userId,
      });
      return toMeta(row);
    },
    meta,
    async read(ctx, sha256) {
      const m = await meta(ctx, sha256);
      const buffer = await storage.get(m.sha256);
      if (!buffer) throw new Problem(500, 'file_content_missing', { sha256: m.sha256 });
      return { meta: m, buffer };
    },
    async open(ctx, sha256) {
      const m = await meta(ctx, sha256);
      const stream = await storage.stream(m.sha256);
      if (!stream) throw new Problem(500, 'file_content_missing', { sha256: m.sha256 });
      return { meta: m, stream };
    },
  };
}

/** The charset to declare for a stored text file (its bytes were checked to decode cleanly on upload). */
export function textCharset(content: Buffer): string {
  return decodeText(content)?.charset ?? 'utf-8';
}
