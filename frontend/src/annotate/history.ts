// An undo/redo stack of immutable snapshots. `present` is what the screen shows; push() makes a new step,
// replace() amends the present one (a mask arriving for the click that is already on the stack).

export class History<T> {
  private past: T[] = [];
  private future: T[] = [];

  constructor(
    private current: T,
    private readonly limit = 200,
  ) {}

  get present(): T {
    return this.current;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** A new step: the old present goes to the past, and the redo branch is dropped. */
  push(next: T): T {
    this.past.push(this.current);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
    this.current = next;
    return next;
  }

  /** Changes the present without making a step. */
  replace(next: T): T {
    this.current = next;
    return next;
  }

  undo(): T | null {
    const previous = this.past.pop();
    if (previous === undefined) return null;
    this.future.push(this.current);
    this.current = previous;
    return previous;
  }

  redo(): T | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(this.current);
    this.current = next;
    return next;
  }

  /** Starts over from `state` with nothing to undo. */
  reset(state: T): void {
    this.past = [];
    this.future = [];
    this.current = state;
  }
}
