// Commands from buttons and the keyboard (annotate/keys maps keys to commands): accept, discard, undo/redo,
// delete, help, negative clicks, tools, class by number.
import { commandForKey, isTypingTarget, type Command } from '../../annotate/keys';
import type { Tool } from '../../ui/annotatePanels';
import type { Shared } from './context';
import type { Editing } from './editing';
import type { Prompting } from './prompting';

export interface Commands {
  run(cmd: Command): void;
  setTool(t: Tool): void;
  toggleNegative(): void;
  toggleHelp(show?: boolean): void;
  dispose(): void;
}

export function createCommands(sh: Shared, editing: Editing, prompting: Prompting): Commands {
  const { history, state, view } = sh;

  function setTool(t: Tool): void {
    state.tool = t;
    sh.parts.interactions?.setTool(t);
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

  function run(cmd: Command): void {
    if (typeof cmd === 'object') {
      const c = state.classes.filter((x) => !x.archived)[cmd.selectClass];
      if (c) void editing.pickClass(c.id);
      return;
    }
    switch (cmd) {
      case 'accept':
        void editing.accept();
        break;
      case 'discard':
        if (!view.help.hidden) toggleHelp(false);
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
    }
  }

  const onKey = (e: KeyboardEvent) => {
    if (isTypingTarget(e.target) || view.dialogHost.childElementCount > 0) return;
    const cmd = commandForKey(e);
    if (!cmd) return;
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
    dispose() {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pagehide', onHide);
    },
  };
}
