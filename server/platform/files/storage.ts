// Content-addressed blob storage. The interface is all the rest of the system sees, so an
// S3-compatible implementation can replace the local one without touching callers.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface FileStorage {
  /** Stores content under its SHA-256 (lower-case hex). Idempotent: existing content is kept. */
  put(sha256: string, content: Buffer): Promise<void>;
  /** The content, or undefined when nothing is stored under that hash. */
  get(sha256: string): Promise<Buffer | undefined>;
  exists(sha256: string): Promise<boolean>;
  /** A read stream, or undefined when nothing is stored; large downloads are not buffered. */
  stream(sha256: string): Promise<Readable | undefined>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export const sha256Of = (content: Buffer) => crypto.createHash('sha256').update(content).digest('hex');

function assertSha(sha256: string): void {
  // The hash becomes a path: anything but 64 hex digits could escape the storage root.
  if (!SHA256.test(sha256)) throw new Error(`invalid sha256 ${JSON.stringify(sha256)}`);
}

/** Files under `${root}/ab/cd/<sha256>`; written to a temp file, fsynced, then renamed, so a reader never sees half a file. */
export function createLocalStorage(root: string): FileStorage {
  const pathOf = (sha256: string) => {
    assertSha(sha256);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };
  const exists = async (sha256: string) => {
    try {
      await fs.promises.access(pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  };
  return {
    exists,
    async put(sha256, content) {
      const target = pathOf(sha256);
      if (sha256Of(content) !== sha256) throw new Error(`content does not hash to ${sha256}`);
      if (await exists(sha256)) return;
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
      const fh = await fs.promises.open(tmp, 'wx', 0o640);
      try {
        await fh.writeFile(content);
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        // Two writers of the same content race harmlessly: rename replaces with identical bytes.
        await fs.promises.rename(tmp, target);
      } catch (e) {
        await fs.promises.rm(tmp, { force: true });
        throw e;
      }
    },
    async get(sha256) {
      try {
        return await fs.promises.readFile(pathOf(sha256));
      } catch (e: any) {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async stream(sha256) {
      const p = pathOf(sha256);
      if (!(await exists(sha256))) return undefined;
      return fs.createReadStream(p);
    },
  };
}
