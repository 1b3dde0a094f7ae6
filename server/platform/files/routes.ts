import { z } from 'zod';
import multipart from '@fastify/multipart';
import type { App } from '../../app.js';
import type { Deps } from '../deps.js';
import { requireAbility } from '../access/abilities.js';
import { Problem } from '../http/problem.js';
import { textCharset, tooLarge } from './service.js';
import { contentDisposition, downloadName, INLINE_TYPES } from './sniff.js';

const FileOut = z.object({
  sha256: z.string(),
  size: z.number(),
  mime: z.string(),
  ext: z.string(),
  originalName: z.string().nullable(),
  createdAt: z.date(),
});

const Sha = z.object({
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { message: 'sha256 必须是 64 位十六进制字符 / sha256 must be 64 hexadecimal characters' })
    .transform((s) => s.toLowerCase()),
});

/** Maps @fastify/multipart's errors to problems a person can act on. */
export function multipartProblem(e: any, limit: number): Problem | undefined {
  switch (e?.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(limit);
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new Problem(415, 'not_multipart');
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
    case 'FST_MP_PREMATURE_CLOSE':
      return new Problem(400, 'bad_request');
    default:
      return undefined;
  }
}

export async function fileRoutes(app: App, { files, settings }: Deps) {
  const limit = settings.uploadLimitBytes;
  // Multipart only here: the rest of the API accepts JSON alone.
  await app.register(async (scoped) => {
    const api = scoped as unknown as App;
    await api.register(multipart, { limits: { fileSize: limit, files: 1, fields: 10, fieldSize: 4096, parts: 11 } });

    api.post(
      '/files',
      {
        schema: {
          tags: ['files'],
          summary: '上传文件 Upload a file (multipart/form-data, field "file"); the type is decided by its content',
          consumes: ['multipart/form-data'],
          response: { 201: FileOut },
        },
      },
      async (req, reply) => {
        requireAbility(req.ability, 'create', 'File');
        let part;
        let buffer: Buffer;
        try {
          part = await req.file();
          // Other fields may precede the file; only the field called "file" counts.
          if (!part || part.fieldname !== 'file') throw new Problem(400, 'file_missing');
          buffer = await part.toBuffer();
          if (part.file.truncated) throw tooLarge(limit);
        } catch (e) {
          throw multipartProblem(e, limit) ?? e;
        }
        const meta = await files.save(req.ctx, { buffer, originalName: part.filename });
        return reply.status(201).send(meta);
      },
    );

    api.get(
      '/files/:sha256',
      {
        schema: {
          tags: ['files'],
          summary: '下载文件 Download a file of this tenant by its SHA-256',
          params: Sha,
          querystring: z.object({ disposition: z.enum(['inline', 'attachment']).optional() }).strict(),
        },
      },
      async (req, reply) => {
        requireAbility(req.ability, 'read', 'File');
        const meta = await files.meta(req.ctx, req.params.sha256);
        const etag = `"${meta.sha256}"`;
        reply
          .header('x-content-type-options', 'nosniff')
          .header('etag', etag)
          // Content-addressed: the bytes under this URL never change, but they are private to the tenant.
          .header('cache-control', 'private, max-age=31536000, immutable');
        if (req.headers['if-none-match'] === etag) return reply.status(304).send();
        // Only types a browser shows harmlessly are ever inline, whatever the caller asks for.
        const inline = req.query.disposition !== 'attachment' && INLINE_TYPES.has(meta.mime);
        reply.header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', downloadName(meta.originalName, meta)));
        // A PDF viewer does not run in a sandboxed document; every other type gets no script, no plugins, no same-origin.
        if (meta.mime !== 'application/pdf') reply.header('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
        if (meta.mime.startsWith('text/')) {
          const { buffer } = await files.read(req.ctx, meta.sha256);
          return reply.type(`${meta.mime}; charset=${textCharset(buffer)}`).send(buffer);
        }
        const { stream } = await files.open(req.ctx, meta.sha256);
        return reply.type(meta.mime).header('content-length', String(meta.size)).send(stream);
      },
    );
  });
}
