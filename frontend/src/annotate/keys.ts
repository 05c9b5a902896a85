// Keyboard shortcuts of the annotation screen, as a pure mapping (the help overlay lists the same table).
import { SIMILAR_SHORTCUTS } from './similarBatch';

export type Command =
  | 'accept'
  | 'discard'
  | 'undo'
  | 'redo'
  | 'toggleNegative'
  | 'toolPoint'
  | 'toolBox'
  | 'toolAdd'
  | 'toolCut'
  | 'toolRect'
  | 'toolRotated'
  | 'toolMarker'
  | 'toolLine'
  | 'delete'
  | 'help'
  | 'nextCandidate'
  | 'previousCandidate'
  | 'toggleWindow'
  | 'toggleUncertainty'
  | { selectClass: number };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export const SHORTCUTS: [string, string][] = [
  ['click', 'positive point (include)'],
  ['Alt/Shift + click, or N then click', 'negative point (exclude)'],
  ['B then drag (or Ctrl + drag)', 'box prompt'],
  ['Enter', 'accept the mask / save the edit'],
  ['Esc', 'discard the current prompts'],
  ['Ctrl+Z', 'undo (prompts and edits)'],
  ['Ctrl+Shift+Z, Ctrl+Y', 'redo'],
  ['drag a vertex', 'move it (snaps to neighbours)'],
  ['A then draw', 'add a polygon to the shape (union)'],
  ['C then draw', 'cut a polygon from the shape (difference)'],
  ['P', 'back to point prompts'],
  ['R then drag', 'draw a box annotation (axis-aligned)'],
  ['O then click, click, click', 'draw a rotated box: two corners of one edge, then its width'],
  ['M then click', 'draw a point annotation'],
  ['L then click vertices, double-click or Enter', 'draw a line annotation (its width is in the panel)'],
  ['drag a box corner', 'resize it (it stays a rectangle; the opposite corner stays)'],
  ['Delete', 'delete the selected annotation'],
  ['1–9', 'pick the label class'],
  ['Tab / Shift+Tab', 'next / previous candidate mask (the model’s alternatives)'],
  ['W', 'show or hide the window the model saw'],
  ['U', 'show or hide where the model is unsure'],
  ...SIMILAR_SHORTCUTS,
  ['?', 'this help'],
];

export function commandForKey(e: KeyLike): Command | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (mod && key === 'y') return 'redo';
  if (mod || e.altKey) return null;
  if (key === 'Tab') return e.shiftKey ? 'previousCandidate' : 'nextCandidate';
  switch (key) {
    case 'Enter':
      return 'accept';
    case 'Escape':
      return 'discard';
    case 'Delete':
    case 'Backspace':
      return 'delete';
    case '?':
      return 'help';
    case 'n':
      return 'toggleNegative';
    case 'b':
      return 'toolBox';
    case 'a':
      return 'toolAdd';
    case 'c':
      return 'toolCut';
    case 'p':
      return 'toolPoint';
    case 'r':
      return 'toolRect';
    case 'o':
      return 'toolRotated';
    case 'm':
      return 'toolMarker';
    case 'l':
      return 'toolLine';
    case 'w':
      return 'toggleWindow';
    case 'u':
      return 'toggleUncertainty';
  }
  if (/^[1-9]$/.test(key)) return { selectClass: Number(key) - 1 };
  return null;
}

/** Keys typed into a form field are the field's, not shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}
