// Routes. Every page is its own lazy chunk so the phone downloads only what it opens.
import { lazy, Suspense, type ComponentType } from 'react';
import { Navigate, Route, Routes, Link } from 'react-router-dom';
import { Button, Empty } from 'antd';
import { FullPageSpin, RequireAuth, useMe } from './auth.js';
import { Shell } from './Shell.js';
import { homePath, visibleNav } from './nav.js';
import { useT } from './lang.js';
import { appMessages } from './messages.js';
import { ModuleUnavailable } from '../ui/ModuleUnavailable.js';

function lazyPage<M extends Record<string, ComponentType<any>>>(load: () => Promise<M>, name: keyof M) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const LoginPage = lazyPage(() => import('./LoginPage.js'), 'LoginPage');
const CustomerListPage = lazyPage(() => import('../modules/customers/CustomerListPage.js'), 'CustomerListPage');
const CustomerDetailPage = lazyPage(() => import('../modules/customers/CustomerDetailPage.js'), 'CustomerDetailPage');
const ImportPage = lazyPage(() => import('../modules/customers/ImportPage.js'), 'ImportPage');
const ConflictsPage = lazyPage(() => import('../modules/customers/ConflictsPage.js'), 'ConflictsPage');
const DuplicatesPage = lazyPage(() => import('../modules/customers/DuplicatesPage.js'), 'DuplicatesPage');
const HealthPortfolioPage = lazyPage(() => import('../modules/health/PortfolioPage.js'), 'PortfolioPage');
const PipelineBoardPage = lazyPage(() => import('../modules/pipeline/PipelineBoardPage.js'), 'PipelineBoardPage');
const DeliveryCalendarPage = lazyPage(() => import('../modules/pipeline/DeliveryCalendarPage.js'), 'DeliveryCalendarPage');
const CalibrationPage = lazyPage(() => import('../modules/calibration/CalibrationPage.js'), 'CalibrationPage');
const AdminLayout = lazyPage(() => import('../modules/admin/AdminLayout.js'), 'AdminLayout');
const AuditPage = lazyPage(() => import('../modules/admin/AuditPage.js'), 'AuditPage');
const JobsPage = lazyPage(() => import('../modules/admin/JobsPage.js'), 'JobsPage');
const ConfigPage = lazyPage(() => import('../modules/admin/ConfigPage.js'), 'ConfigPage');
const AccessPage = lazyPage(() => import('../modules/admin/AccessPage.js'), 'AccessPage');
const OutboxPage = lazyPage(() => import('../modules/admin/OutboxPage.js'), 'OutboxPage');
const ChannelsPage = lazyPage(() => import('../modules/admin/ChannelsPage.js'), 'ChannelsPage');
const InboxPage = lazyPage(() => import('../modules/notify/InboxPage.js'), 'InboxPage');
const TokensPage = lazyPage(() => import('../modules/auth/TokensPage.js'), 'TokensPage');
const ProcessLayout = lazyPage(() => import('../modules/process/ProcessLayout.js'), 'ProcessLayout');
const VisitsPage = lazyPage(() => import('../modules/process/VisitsPage.js'), 'VisitsPage');
const VisitPage = lazyPage(() => import('../modules/process/VisitPage.js'), 'VisitPage');
const FlagsPage = lazyPage(() => import('../modules/process/FlagsPage.js'), 'FlagsPage');
const QrSheetPage = lazyPage(() => import('../modules/process/QrSheetPage.js'), 'QrSheetPage');
// These modules also export constants, so they are loaded without lazyPage's all-components typing.
const LightsBoardPage = lazy(async () => ({ default: (await import('../modules/process/LightsBoardPage.js')).LightsBoardPage }));
const BlindChecksPage = lazy(async () => ({ default: (await import('../modules/process/BlindChecksPage.js')).BlindChecksPage }));
const PilotReportPage = lazy(async () => ({ default: (await import('../modules/process/PilotReportPage.js')).PilotReportPage }));
// Goals (G1–G8): the section layout and its pages.
const GoalsLayout = lazy(async () => ({ default: (await import('../modules/goals/GoalsLayout.js')).GoalsLayout }));
const BoardPage = lazyPage(() => import('../modules/goals/BoardPage.js'), 'BoardPage');
// These modules also export helpers, so they are loaded without lazyPage's all-components typing.
const AllocationPage = lazy(async () => ({ default: (await import('../modules/goals/AllocationPage.js')).AllocationPage }));
const CanvasPage = lazy(async () => ({ default: (await import('../modules/goals/CanvasPage.js')).CanvasPage }));
const ValvePage = lazy(async () => ({ default: (await import('../modules/goals/ValvePage.js')).ValvePage }));
const ReportPage = lazy(async () => ({ default: (await import('../modules/goals/ReportPage.js')).ReportPage }));

function Home() {
  const me = useMe();
  return <Navigate to={homePath(visibleNav(me.user.role, me.abilities))} replace />;
}

function NotFound() {
  const t = useT(appMessages);
  return (
    <Empty style={{ paddingTop: 64 }} description={t('notFound.title')} data-testid="not-found">
      <Link to="/">
        <Button type="primary">{t('notFound.back')}</Button>
      </Link>
    </Empty>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route
        path="/login"
        element={
          <Suspense fallback={<FullPageSpin />}>
            <LoginPage />
          </Suspense>
        }
      />
      <Route
        element={
          <RequireAuth>
            <Shell />
          </RequireAuth>
        }
      >
        <Route index element={<Home />} />
        <Route path="goals" element={<GoalsLayout />}>
          <Route index element={<BoardPage />} />
          <Route path="board" element={<BoardPage />} />
          <Route path="allocation" element={<AllocationPage />} />
          <Route path="canvas" element={<CanvasPage />} />
          <Route path="valve" element={<ValvePage />} />
          <Route path="report" element={<ReportPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
        <Route path="process" element={<ProcessLayout />}>
          <Route index element={<VisitsPage />} />
          <Route path="visits/:id" element={<VisitPage />} />
          <Route path="flags" element={<FlagsPage />} />
          <Route path="qr" element={<QrSheetPage />} />
          <Route path="lights" element={<LightsBoardPage />} />
          <Route path="blind-checks" element={<BlindChecksPage />} />
          <Route path="pilots" element={<PilotReportPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
        <Route path="forecast" element={<ModuleUnavailable module="forecast" />} />
        <Route path="coaching" element={<ModuleUnavailable module="coaching" />} />
        <Route path="churn" element={<ModuleUnavailable module="churn" />} />
        <Route path="customers" element={<CustomerListPage />} />
        <Route path="customers/calibration" element={<CalibrationPage />} />
        <Route path="customers/pipeline" element={<PipelineBoardPage />} />
        <Route path="customers/delivery" element={<DeliveryCalendarPage />} />
        <Route path="customers/health" element={<HealthPortfolioPage />} />
        <Route path="customers/duplicates" element={<DuplicatesPage />} />
        <Route path="customers/import" element={<ImportPage />} />
        <Route path="customers/conflicts" element={<ConflictsPage />} />
        <Route path="customers/:id" element={<CustomerDetailPage />} />
        <Route path="admin" element={<AdminLayout />}>
          <Route path="audit" element={<AuditPage />} />
          <Route path="jobs" element={<JobsPage />} />
          <Route path="config" element={<ConfigPage />} />
          <Route path="access" element={<AccessPage />} />
          <Route path="outbox" element={<OutboxPage />} />
          <Route path="channels" element={<ChannelsPage />} />
        </Route>
        <Route path="inbox" element={<InboxPage />} />
        <Route path="me/tokens" element={<TokensPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
