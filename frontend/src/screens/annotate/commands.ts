// Commands from buttons and the keyboard (annotate/keys maps keys to commands): accept, discard, undo/redo,
// delete, help, negative clicks, tools, class by number.
import { withSession } from '../../annotate/editor';
import { commandForKey, isTypingTarget, type Command } from '../../annotate/keys';
import { cycleCandidate, keepCandidate as keepIn } from '../../annotate/promptSession';
import { isKindTool, type Tool } from '../../ui/annotatePanels';
import type { Shared } from './context';
import type { Editing } from './editing';
import type { Prompting } from './prompting';

export interface Commands {
  run(cmd: Command): void;
  setTool(t: Tool): void;
  toggleNegative(): void;
  toggleHelp(show?: boolean): void;
  /** Shows and keeps another of the answer's candidates (an undoable step; the accept says which was kept). */
  keepCandidate(index: number): void;
  toggleWhy(what: 'window' | 'uncertainty'): void;
  dispose(): void;
}

export function createCommands(sh: Shared, editing: Editing, prompting: Prompting): Commands {
  const { history, state, view } = sh;

  function setTool(t: Tool): void {
    state.tool = t;
    sh.parts.interactions?.setTool(t);
    sh.parts.kinds?.setTool(isKindTool(t) ? t : null);
    view.mapEl.dataset.tool = t;
    sh.render();
  }

  function toggleNegative(): void {
    state.negative = !state.negative;
    sh.render();
  }

  function toggleHelp(show?: boolean): void {
    view.help.hidden = show === undefined ? !view.help.hidden : !show;
  }

  function keepCandidate(index: number): void {
    const s = history.present;
    if (s.edit || s.session.pendingRequestId !== null) return;
    const next = keepIn(s.session, index);
    if (next !== s.session) sh.step(withSession(s, next));
  }

  function cycle(step: 1 | -1): boolean {
    const s = history.present;
    const index = s.edit ? null : cycleCandidate(s.session, step);
    if (index === null) return false;
    keepCandidate(index);
    return true;
  }

  function toggleWhy(what: 'window' | 'uncertainty'): void {
    if (what === 'window') state.showWindow = !state.showWindow;
    else state.showUncertainty = !state.showUncertainty;
    sh.render();
  }

  function run(cmd: Command): void {
    if (typeof cmd === 'object') {
      const c = state.classes.filter((x) => !x.archived)[cmd.selectClass];
      if (c) void editing.pickClass(c.id);
      return;
    }
    switch (cmd) {
      case 'accept':
        // Enter first finishes a line being drawn
        if (sh.parts.kinds?.finishDrawing()) break;
        void editing.accept();
        break;
      case 'discard':
        if (!view.help.hidden) toggleHelp(false);
        else if (sh.parts.kinds?.abortDrawing()) sh.render();
        else void editing.discard();
        break;
      case 'undo':
        prompting.travel(history.undo());
        break;
      case 'redo':
        prompting.travel(history.redo());
        break;
      case 'delete':
        void editing.remove();
        break;
      case 'help':
        toggleHelp();
        break;
      case 'toggleNegative':
        toggleNegative();
        break;
      case 'toolPoint':
        setTool('point');
        break;
      case 'toolBox':
        setTool('box');
        break;
      case 'toolAdd':
        setTool('add');
        break;
      case 'toolCut':
        setTool('cut');
        break;
      case 'toolRect':
        setTool('rect');
        break;
      case 'toolRotated':
        setTool('rotated');
        break;
      case 'toolMarker':
        setTool('marker');
        break;
      case 'toolLine':
        setTool('line');
        break;
      case 'nextCandidate':
      case 'previousCandidate':
        cycle(cmd === 'nextCandidate' ? 1 : -1);
        break;
      case 'toggleWindow':
        toggleWhy('window');
        break;
      case 'toggleUncertainty':
        toggleWhy('uncertainty');
        break;
    }
  }

  const onKey = (e: KeyboardEvent) => {
    if (isTypingTarget(e.target) || view.dialogHost.childElementCount > 0) return;
    const cmd = commandForKey(e);
    if (!cmd) return;
    // Tab keeps its focus-moving meaning unless there are candidates to switch among
    if ((cmd === 'nextCandidate' || cmd === 'previousCandidate') && (history.present.edit || cycleCandidate(history.present.session, 1) === null)) return;
    e.preventDefault();
    run(cmd);
  };
  window.addEventListener('keydown', onKey);
  const onHide = () => sh.saveDraft.flush();
  window.addEventListener('pagehide', onHide);

  return {
    run,
    setTool,
    toggleNegative,
    toggleHelp,
    keepCandidate,
    toggleWhy,
    dispose() {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pagehide', onHide);
    },
  };
}
