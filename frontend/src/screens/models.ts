// The Models screen (admins): training runs with live progress, "Train now" and cancel; the retraining schedule
// and the training settings; the model versions (promote, roll back); two versions compared side by side.
import type { Screen } from '../app';
import { h } from '../ui/dom';
import { createComparePanel } from './models/compare';
import { createJobsPanel } from './models/jobs';
import { createScheduleForm, createSettingsForm } from './models/settings';
import { createVersionsTable } from './models/versions';

export const mountModels: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'models') throw new Error('models screen mounted on another route');
  const { projectId } = route;
  const aborter = new AbortController();
  const report = (err: unknown) => ctx.report(err, `models-${projectId}`);

  const compare = createComparePanel(ctx, projectId, aborter.signal, report);
  let reselect = false;
  const versions = createVersionsTable(ctx, projectId, aborter.signal, report, (rows) => {
    compare.setVersions(rows, reselect);
    reselect = false;
  });
  const jobs = createJobsPanel(ctx, projectId, aborter.signal, report, (job) => {
    // A finished run made a candidate: show it against its base.
    reselect = job.result_model !== null;
    void versions.load();
  });
  const settings = createSettingsForm(ctx, projectId, aborter.signal, report);
  const schedule = createScheduleForm(ctx, projectId, aborter.signal, report);

  el.append(
    h('section', { class: 'panel models', 'data-testid': 'models-screen' },
      h('div', { class: 'row' }, h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'), h('a', { href: `#/projects/${projectId}/admin`, class: 'back' }, 'Admin')),
      h('h1', {}, 'Models'),
      h('h2', {}, 'Training'), jobs.el,
      h('div', { class: 'models-config' },
        h('div', {}, h('h2', {}, 'Schedule'), schedule.el),
        h('div', {}, h('h2', {}, 'Training settings'), settings.el)),
      h('h2', {}, 'Model versions'), versions.el,
      h('h2', {}, 'Compare two versions'), compare.el),
  );

  void jobs.load();
  void versions.load();
  void settings.load();
  void schedule.load();
  return () => {
    aborter.abort();
    jobs.dispose();
    ctx.dismiss(`models-${projectId}`);
  };
};
