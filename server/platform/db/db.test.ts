import { spawn } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, openDb } from './db.js';
import { migrate, splitSql } from './migrate.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-db-'));

describe('embedded database', () => {
  it('[X1] refuses a second server on the same data directory and names the running process', async () => {
    const dir = tmp();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      fs.writeFileSync(path.join(dir, 'trueline.lock'), JSON.stringify({ pid: other.pid, startedAt: '2026-11-26T10:00:00Z', argv: 'node server/main.ts' }));
      let err: unknown;
      try {
        lockDataDir(dir);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DataDirLockedError);
      expect((err as Error).message).toContain(String(other.pid));
      expect((err as Error).message).toContain('node server/main.ts');
    } finally {
      other.kill();
    }
  });

  it('[X1] replaces a lock left by a process that is gone, and releases its own lock', async () => {
    const dir = tmp();
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => gone.on('exit', r));
    fs.writeFileSync(path.join(dir, 'trueline.lock'), JSON.stringify({ pid: gone.pid }));
    const release = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'trueline.lock'), 'utf8')).pid).toBe(process.pid);
    release();
    expect(fs.existsSync(path.join(dir, 'trueline.lock'))).toBe(false);
  });

  it('[X1] committed rows survive close (checkpoint) and reopen; migrations are applied once', async () => {
    const dir = tmp();
    let db = await openDb({ dataDir: dir });
    expect((await migrate(db)).length).toBeGreaterThan(0);
    await db.query(`insert into tenants (id, slug, name) values ('00000000-0000-4000-8000-000000000001', 'keep', '保留公司')`);
    await db.close();
    db = await openDb({ dataDir: dir });
    expect(await migrate(db)).toEqual([]);
    expect((await db.query('select name from tenants where slug = $1', ['keep'])).rows[0].name).toBe('保留公司');
    await db.close();
  });

  it('[X1] a transaction that throws leaves nothing behind', async () => {
    const db = await openDb({ databaseUrl: process.env.DATABASE_URL });
    await migrate(db);
    const slug = `rollback-${Date.now()}`;
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into tenants (id, slug, name) values (gen_random_uuid(), $1, 'x')`, [slug]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.query('select count(*)::int as n from tenants where slug = $1', [slug])).rows[0].n).toBe(0);
    await db.close();
  });

  it('[X1] splits migration scripts on statement ends but not inside $$ bodies', () => {
    const parts = splitSql(`create table a (x int);\n-- comment;\ncreate function f() returns trigger language plpgsql as $$\nbegin\n  raise exception 'x';\nend;\n$$;\nselect 1;`);
    expect(parts).toHaveLength(3);
    expect(parts[1]).toContain("raise exception 'x';\nend;");
  });

  it('[X1] a long run of embedded-database statements (a job) does not starve HTTP requests', async () => {
    const db = await openDb({});
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      let statements = 0;
      let done = false;
      const job = (async () => {
        for (let i = 0; i < 3000; i++) {
          await db.query('select $1::int as n', [i]);
          statements++;
        }
        done = true;
      })();
      await new Promise((r) => setTimeout(r, 20));
      const answered = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      expect(answered).toBe('ok');
      // The request was served while the job was still running, not after it.
      expect(done).toBe(false);
      expect(statements).toBeLessThan(3000);
      await job;
    } finally {
      server.close();
      await db.close();
    }
  });
});
