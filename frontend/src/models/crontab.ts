// Retraining schedules as five-field crontabs (minute hour day-of-month month day-of-week), with the presets the
// Models screen offers. The server checks every field again (celery's parser); this only catches typos early.

export type Preset = 'nightly' | 'weekly' | 'custom';

export const PRESETS: Record<Exclude<Preset, 'custom'>, string> = {
  nightly: '0 2 * * *',
  weekly: '0 2 * * 0',
};

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Which preset an expression is (whitespace-insensitive), else 'custom'. */
export function presetOf(expression: string): Preset {
  const norm = expression.trim().split(/\s+/).join(' ');
  for (const [name, expr] of Object.entries(PRESETS)) if (expr === norm) return name as Preset;
  return 'custom';
}

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const FIELD_RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const TOKEN = /^(\*|\d+(-\d+)?)(\/\d+)?$/;

/** null when the expression looks like a valid crontab, else a message naming the bad field. */
export function crontabProblem(expression: string): string | null {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 5) return `A crontab has five fields (minute hour day-of-month month day-of-week); this has ${parts.length}.`;
  for (let i = 0; i < 5; i++) {
    const [lo, hi] = FIELD_RANGES[i]!;
    for (const item of parts[i]!.split(',')) {
      if (!TOKEN.test(item)) return `The ${FIELD_NAMES[i]} field "${parts[i]}" is not a number, range, list or */step.`;
      const nums = item.replace(/\/\d+$/, '').split('-').filter((n) => n !== '*').map(Number);
      const step = item.includes('/') ? Number(item.split('/')[1]) : 1;
      if (step < 1) return `The ${FIELD_NAMES[i]} field has a step of 0.`;
      if (nums.some((n) => n < lo || n > hi)) return `The ${FIELD_NAMES[i]} field must stay within ${lo}–${hi}.`;
      if (nums.length === 2 && nums[0]! > nums[1]!) return `The ${FIELD_NAMES[i]} range "${item}" runs backwards.`;
    }
  }
  return null;
}

/** A short human reading of common expressions ("every day at 02:00"); the expression itself otherwise. */
export function describeCrontab(expression: string): string {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return expression;
  const [min, hour, dom, mon, dow] = parts as [string, string, string, string, string];
  if (/^\d+$/.test(min) && /^\d+$/.test(hour) && dom === '*' && mon === '*') {
    const at = `${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
    if (dow === '*') return `every day at ${at}`;
    if (/^\d$/.test(dow)) return `every ${DAYS[Number(dow) % 7]} at ${at}`;
  }
  return `crontab "${parts.join(' ')}"`;
}
