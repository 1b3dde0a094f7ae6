// What every module receives. Built once in app.ts (tests build their own).
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from './db/db.js';
import type { Settings } from './settings.js';
import type { ConfigService } from './config/service.js';
import type { Notifier } from './notify/service.js';
import type { FileService } from './files/service.js';
import type { Scheduler } from './jobs/scheduler.js';

export interface Deps {
  db: Db;
  settings: Settings;
  log: FastifyBaseLogger;
  /** Injected so tests and jobs can pin "now". */
  now: () => Date;
  config: ConfigService;
  notify: Notifier;
  files: FileService;
  jobs: Scheduler;
}
