// One SQL dialect (PostgreSQL) behind one small interface, so the same stores run on
// embedded PGlite (default, data under DATA_DIR/pg) and on a PostgreSQL server (DATABASE_URL).
import fs from 'node:fs';
import path from 'node:path';

export interface QueryResult<T> {
  rows: T[];
  affectedRows: number;
}

/** Anything a store can run SQL on: the database itself or an open transaction. */
export interface Sql {
  query<T = any>(text: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory; undefined → in-memory (tests). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir);
}

async function openPostgres(url: string, poolSize: number): Promise<Db> {
  const pg = (await import('pg')).default;
  // Return bigint/numeric as JS numbers where safe; timestamps stay Date.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  pg.types.setTypeParser(1700, (v: string) => Number(v));
  pg.types.setTypeParser(1082, (v: string) => v); // date → 'YYYY-MM-DD' (a calendar date has no time zone)
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => {
    /* idle client errors are reported on the next query */
  });
  const wrap = (q: { query: (t: string, p?: unknown[]) => Promise<any> }): Sql => ({
    async query(text, params) {
      const r = await q.query(text, params as any[]);
      return { rows: r.rows, affectedRows: r.rowCount ?? 0 };
    },
  });
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // One connection runs one query at a time: queue them, so code that issues reads in
        // parallel (Promise.all) inside a transaction behaves as it does on PGlite.
        let tail: Promise<unknown> = Promise.resolve();
        const inner = wrap(client);
        const serial: Sql = {
          query(text, params) {
            const run = tail.then(() => inner.query(text, params));
            tail = run.catch(() => undefined);
            return run;
          },
        };
        const out = await fn(serial);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(dataDir?: string): Promise<Db> {
  const { PGlite, types } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
  const parsers = {
    [types.INT8]: (v: string) => Number(v),
    [types.NUMERIC]: (v: string) => Number(v),
    [types.DATE]: (v: string) => v, // 'YYYY-MM-DD', as on the server
  };
  const options = { parsers, extensions: { pg_trgm, btree_gin } };
  const lite = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await lite.waitReady;
  // PGlite runs each statement synchronously on this thread and resolves without an I/O turn, so
  // a job awaiting thousands of statements in a row would starve every HTTP request until it is
  // done. After each statement, let the event loop take pending I/O first (setImmediate).
  const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));
  const wrap = (q: { query: (t: string, p?: unknown[]) => Promise<any> }): Sql => ({
    async query(text, params) {
      const r = await q.query(text, params as any[]);
      await yieldToIo();
      return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
    },
  });
  const base = wrap(lite);
  return {
    kind: 'pglite',
    query: base.query,
    // PGlite is one session: its transaction() holds the instance until done, so
    // requests never interleave statements inside another request's transaction.
    transaction: (fn) => lite.transaction((tx) => fn(wrap(tx))),
    async close() {
      if (dataDir) await lite.query('CHECKPOINT').catch(() => undefined);
      await lite.close();
    },
  };
}

/**
 * PGlite has no lock on its data directory; two processes writing it corrupt the cluster.
 * Take an exclusive lock file (O_EXCL) holding our pid; a stale lock (dead pid) is replaced.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'trueline.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), argv: process.argv.join(' ') }));
      fs.closeSync(fd);
      return () => {
        try {
          const held = JSON.parse(fs.readFileSync(file, 'utf8'));
          if (held.pid === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
      let held: { pid?: number; startedAt?: string; argv?: string } = {};
      try {
        held = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        /* unreadable lock: treat as stale */
      }
      if (held.pid && held.pid !== process.pid && isAlive(held.pid)) {
        throw new DataDirLockedError(dir, held.pid, held.startedAt, held.argv);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
    readonly startedAt?: string,
    readonly argv?: string,
  ) {
    super(
      `数据目录 ${dir} 已被进程 ${pid} 占用（启动于 ${startedAt ?? '?'}：${argv ?? '?'}）。` +
        `The embedded database in ${dir} is in use by process ${pid} (${argv ?? '?'}, started ${startedAt ?? '?'}). ` +
        `Stop that process or set DATA_DIR to another directory.`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}
