// The model-versions table (moved here from the Admin screen): state, gate verdict, promote (against the gate only
// with a reason, typed in a form that opens under the row) and roll back in one action.
import type { Ctx } from '../../app';
import type { ModelVersionRow } from '../../types';
import { h } from '../../ui/dom';

export interface VersionsTable {
  el: HTMLElement;
  load(): Promise<ModelVersionRow[]>;
}

export function createVersionsTable(ctx: Ctx, projectId: number, signal: AbortSignal, report: (err: unknown) => void, onChange: (rows: ModelVersionRow[]) => void): VersionsTable {
  const table = h('table', { class: 'grid', 'data-testid': 'model-versions' });
  const metric = (v: number | null | undefined) => (v === null || v === undefined ? '–' : Number(v).toFixed(2));
  const gateText = (v: ModelVersionRow) => (v.gate_passed === true ? 'passed' : v.gate_passed === false ? 'refused' : 'not run');
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      await load();
    } catch (err) {
      report(err);
    }
  };
  const promoteForm = (v: ModelVersionRow) => {
    const reason = h('input', { type: 'text', required: true, minlength: 10, placeholder: 'why promote against the gate (kept in the audit trail)', 'data-testid': 'override-reason', style: 'width:28rem' });
    const form = h('form', { class: 'inline-form', 'data-testid': 'override-form' }, reason, h('button', { type: 'submit' }, 'Promote anyway'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void act(() => ctx.api.modelVersionPromote(v.id, reason.value.trim()));
    });
    return h('tr', { class: 'override' }, h('td', { colspan: 11 }, form));
  };
  const actions = (v: ModelVersionRow, row: HTMLElement) => {
    if (v.in_use) return h('td', {});
    const buttons: HTMLElement[] = [];
    if (v.project !== null && v.state !== 'active') {
      buttons.push(h('button', { type: 'button', 'data-testid': 'version-promote', onclick: () => {
        if (v.gate_passed === true) void act(() => ctx.api.modelVersionPromote(v.id, ''));
        else if (!row.nextElementSibling?.classList.contains('override')) row.after(promoteForm(v));
      } }, 'Promote'));
    }
    if (v.project === null || v.promoted_at) {
      buttons.push(h('button', { type: 'button', 'data-testid': 'version-rollback', onclick: () => {
        if (window.confirm(`Roll back to ${v.name}? Prompts will use it at once.`)) void act(() => ctx.api.modelVersionRollback(v.id, projectId));
      } }, 'Roll back to'));
    }
    return h('td', {}, ...buttons);
  };
  const versionRow = (v: ModelVersionRow) => {
    const row = h('tr', { 'data-testid': 'model-version', 'data-version-id': v.id, class: v.in_use ? 'in-use' : null },
      h('td', {}, v.name), h('td', {}, v.state), h('td', {}, v.in_use ? 'yes' : ''), h('td', {}, v.parent ?? ''),
      h('td', {}, metric(v.held_out?.['NoC@85'])), h('td', {}, metric(v.held_out?.['mIoU@1'])),
      h('td', {}, metric(v.benchmark?.['NoC@85'])), h('td', { 'data-testid': 'version-gate' }, gateText(v)),
      h('td', {}, v.promoted_at ? new Date(v.promoted_at).toLocaleString() : ''), h('td', { 'data-testid': 'version-override' }, v.override_reason));
    row.append(actions(v, row));
    return row;
  };
  async function load(): Promise<ModelVersionRow[]> {
    try {
      const { versions: rows } = await ctx.api.modelVersions(projectId, signal);
      table.replaceChildren(
        h('tr', {}, ...['name', 'state', 'in use', 'parent', 'NoC@85 held-out', 'mIoU@1 held-out', 'NoC@85 benchmark', 'gate', 'promoted', 'override reason', ''].map((t) => h('th', {}, t))),
        ...rows.map(versionRow),
      );
      if (!rows.length) table.append(h('tr', {}, h('td', { colspan: 11, class: 'muted' }, 'No model versions yet.')));
      onChange(rows);
      return rows;
    } catch (err) {
      report(err);
      return [];
    }
  }
  return { el: table, load };
}
