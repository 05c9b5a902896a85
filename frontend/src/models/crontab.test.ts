import { describe, expect, it } from 'vitest';
import { PRESETS, crontabProblem, describeCrontab, presetOf } from './crontab';

describe('crontab presets', () => {
  it('recognises presets and custom expressions', () => {
    expect(presetOf(PRESETS.nightly)).toBe('nightly');
    expect(presetOf('  0   2 * *   0 ')).toBe('weekly');
    expect(presetOf('30 2 * * *')).toBe('custom');
  });

  it('names the field that is wrong', () => {
    expect(crontabProblem('0 2 * * *')).toBeNull();
    expect(crontabProblem('*/15 8-18 * 1,6 1-5')).toBeNull();
    expect(crontabProblem('0 2 * *')).toMatch(/five fields/);
    expect(crontabProblem('61 2 * * *')).toMatch(/minute/);
    expect(crontabProblem('0 24 * * *')).toMatch(/hour/);
    expect(crontabProblem('0 2 * * funday')).toMatch(/day of week/);
    expect(crontabProblem('0 2 9-3 * *')).toMatch(/backwards/);
    expect(crontabProblem('*/0 2 * * *')).toMatch(/step of 0/);
  });

  it('reads common schedules aloud', () => {
    expect(describeCrontab('0 2 * * *')).toBe('every day at 02:00');
    expect(describeCrontab('30 4 * * 0')).toBe('every Sunday at 04:30');
    expect(describeCrontab('*/15 * * * *')).toBe('crontab "*/15 * * * *"');
  });
});
