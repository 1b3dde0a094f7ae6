// Builds the HTTP app from the platform and the modules. main.ts listens; tests inject.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Db } from './platform/db/db.js';
import type { Settings } from './platform/settings.js';
import type { Deps } from './platform/deps.js';
import { negotiateLocale, Problem, type Locale } from './platform/http/problem.js';
import { describeIssues } from './platform/http/issues.js';
import { authPlugin } from './platform/auth/plugin.js';
import { authRoutes } from './platform/auth/routes.js';
import { createConfigService } from './platform/config/service.js';
import { configRoutes } from './platform/config/routes.js';
import { createNotifier } from './platform/notify/service.js';
import { notifyRoutes } from './platform/notify/routes.js';
import { calibrationRoutes } from './modules/calibration/routes.js';
import { registerCalibration } from './modules/calibration/service.js';
import { createFileService } from './platform/files/service.js';
import { fileRoutes } from './platform/files/routes.js';
import { accessRoutes } from './platform/access/routes.js';
import { createScheduler } from './platform/jobs/scheduler.js';
import { jobRoutes } from './platform/jobs/routes.js';
import { auditRoutes } from './platform/audit/routes.js';
import { orgRoutes } from './modules/org/routes.js';
import { customerRoutes } from './modules/customers/routes.js';
import { duplicateRoutes } from './modules/customers/duplicates/routes.js';
import { registerDuplicateJobs } from './modules/customers/duplicates/service.js';
import { registerVisitMergeParticipant } from './modules/process/history.js';
import { processRoutes } from './modules/process/routes.js';
import { registerProcess } from './modules/process/jobs.js';
import { goalsRoutes } from './modules/goals/routes.js';
import { registerGoals } from './modules/goals/service.js';
import { processLightsRoutes } from './modules/process/lights/routes.js';
import { registerProcessLights } from './modules/process/lights/service.js';
import { processBlindRoutes } from './modules/process/blind/routes.js';
import { registerProcessBlind } from './modules/process/blind/service.js';
import { processPilotRoutes } from './modules/process/pilot/routes.js';
import { goalsCanvasRoutes } from './modules/goals/canvas/routes.js';
import { goalsValveRoutes, registerGoalsValve } from './modules/goals/valve/routes.js';
import { goalsReportRoutes, registerGoalsReport } from './modules/goals/report/routes.js';
import { goalsAllocationRoutes } from './modules/goals/allocation/routes.js';
import { goalsBoardRoutes } from './modules/goals/board/routes.js';
import { customerSourceRoutes } from './modules/customers/sources/routes.js';
import { registerCustomerSources } from './modules/customers/sources/service.js';
import { pipelineRoutes } from './modules/pipeline/routes.js';
import { registerPipeline } from './modules/pipeline/service.js';
import { engagementRoutes } from './modules/engagement/routes.js';
import { registerEngagement } from './modules/engagement/service.js';
import { healthRoutes } from './modules/health/routes.js';
import { registerPlatformJobs } from './platform/jobs/platform-jobs.js';

export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

export interface BuildOptions {
  db: Db;
  settings: Settings;
  logger?: boolean | Record<string, unknown>;
  now?: () => Date;
  instanceId?: string;
}

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
  }
}

export async function buildApp(opts: BuildOptions): Promise<{ app: App; deps: Deps }> {
  const { db, settings } = opts;
  const app = Fastify({
    logger: opts.logger ?? { level: settings.logLevel },
    bodyLimit: settings.bodyLimitBytes,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: 'x-request-id',
    trustProxy: true,
    // Unknown query-string keys are rejected by the strict Zod schemas, not silently dropped.
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const now = opts.now ?? (() => new Date());
  const instanceId = opts.instanceId ?? `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  const config = createConfigService({ db, now, log: app.log });
  const deps: Deps = {
    db,
    settings,
    log: app.log,
    now,
    config,
    notify: createNotifier({ db, settings, log: app.log, now }),
    files: createFileService({ db, settings }),
    jobs: createScheduler({ db, log: app.log, now, instanceId }),
  };
  registerPlatformJobs(deps);
  registerDuplicateJobs(deps);
  registerVisitMergeParticipant();
  registerCustomerSources(deps);
  registerPipeline();
  registerEngagement();
  registerCalibration(deps);
  registerProcess(deps);
  const unregisterGoals = registerGoals(deps);
  registerProcessLights(deps);
  registerProcessBlind(deps);
  registerGoalsValve(deps);
  registerGoalsReport(deps);

  app.decorateRequest('locale', 'zh-CN');
  app.addHook('onRequest', async (req, reply) => {
    req.locale = negotiateLocale(req.headers['accept-language']);
    reply.header('x-request-id', req.id);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const locale = req.locale ?? negotiateLocale(req.headers['accept-language']);
    let problem: Problem;
    if (err instanceof Problem) problem = err;
    else if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = describeIssues(
        err.validation.map((v: any) => ({ ...v.params, code: v.keyword, message: v.message, path: String(v.instancePath).split('/').filter(Boolean) })),
        locale,
        err.validationContext,
      );
      problem = new Problem(400, 'validation_failed', { detail: errors.map((e) => `${e.path || '—'}：${e.message}`).join('；') }, { errors });
    } else if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && err instanceof SyntaxError)) {
      problem = new Problem(400, 'malformed_json');
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      problem = new Problem(413, 'body_too_large', { limit: settings.bodyLimitBytes });
    } else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      problem = new Problem(415, 'unsupported_media_type', { type: req.headers['content-type'] ?? '' });
    } else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      problem = new Problem(400, 'malformed_json');
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      problem = new Problem(err.statusCode, 'bad_request');
    } else {
      req.log.error({ err }, 'unhandled error');
      problem = new Problem(500, 'internal', { requestId: req.id });
    }
    if (problem.status >= 500 && !(err instanceof Problem)) {
      /* already logged */
    } else if (problem.status >= 500) req.log.error({ err }, 'server error');
    reply
      .status(problem.status)
      .type('application/problem+json; charset=utf-8')
      .send(problem.toBody(locale, req.url, req.id));
  });

  app.setNotFoundHandler((req, reply) => {
    // A missing build file is a 404, never the app's HTML (a stale page would run the wrong script).
    const isAsset = req.url.startsWith('/assets/');
    // The rep's field app (P10) is its own light page under /m/; everything else is the main app.
    if (!isAsset && !req.url.startsWith('/api/') && req.method === 'GET' && /^\/m(\/|$|\?)/.test(req.url) && fs.existsSync(path.join(WEB_DIST, 'm', 'index.html'))) {
      return reply.type('text/html').sendFile('m/index.html', WEB_DIST);
    }
    if (!isAsset && !req.url.startsWith('/api/') && req.method === 'GET' && fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
      return reply.type('text/html').sendFile('index.html', WEB_DIST);
    }
    const p = new Problem(404, 'route_not_found', { method: req.method, url: req.url.split('?')[0] });
    reply.status(404).type('application/problem+json; charset=utf-8').send(p.toBody(req.locale, req.url, req.id));
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Trueline API', version: '1', description: 'Trueline 销售管理系统 REST API. Errors are RFC 9457 problem+json.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'tl_session' },
          token: { type: 'http', scheme: 'bearer', description: 'Personal API token (tl_…)' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await db.query('select 1');
      return { status: 'ready', database: db.kind };
    } catch {
      return reply.status(503).type('application/problem+json').send(new Problem(503, 'unavailable').toBody('en-US'));
    }
  });

  await app.register(authPlugin, { deps });
  await app.register(
    async (api) => {
      await authRoutes(api as App, deps);
      await orgRoutes(api as App, deps);
      await customerRoutes(api as App, deps);
      await duplicateRoutes(api as App, deps);
      await customerSourceRoutes(api as App, deps);
      await pipelineRoutes(api as App, deps);
      await engagementRoutes(api as App, deps);
      await healthRoutes(api as App, deps);
      await processRoutes(api as App, deps);
      await goalsRoutes(api as App, deps);
      await processLightsRoutes(api as App, deps);
      await processBlindRoutes(api as App, deps);
      await processPilotRoutes(api as App, deps);
      await goalsCanvasRoutes(api as App, deps);
      await goalsValveRoutes(api as App, deps);
      await goalsReportRoutes(api as App, deps);
      await goalsAllocationRoutes(api as App, deps);
      await goalsBoardRoutes(api as App, deps);
      await auditRoutes(api as App, deps);
      await configRoutes(api as App, deps);
      await jobRoutes(api as App, deps);
      await notifyRoutes(api as App, deps);
      await calibrationRoutes(api as App, deps);
      await fileRoutes(api as App, deps);
      await accessRoutes(api as App, deps);
    },
    { prefix: '/api/v1' },
  );

  if (fs.existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'], preCompressed: true });
  }

  app.addHook('onClose', async () => {
    unregisterGoals();
    await deps.jobs.stop();
    await deps.notify.stop();
  });

  return { app: app as App, deps };
}
