/** Five-field cron expressions as the Kubernetes CronJob controller accepts them (robfig/cron standard parser). */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

function value(token: string, f: (typeof FIELDS)[number]): number | undefined {
  const names: readonly string[] | undefined = 'names' in f ? f.names : undefined;
  const idx = names ? names.indexOf(token.toLowerCase()) : -1;
  if (idx >= 0) return idx + (f.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(token)) return undefined;
  const n = Number(token);
  return n >= f.min && n <= f.max ? n : undefined;
}

/** Problems with a cron schedule (empty = valid). Messages never exceed the schedule's own text. */
export function checkCron(schedule: string): string[] {
  const s = schedule.trim();
  if (MACROS.includes(s)) return [];
  if (/^(TZ|CRON_TZ)=/.test(s)) return ['time zones go in the CronJob timeZone field, not in the schedule'];
  const parts = s.split(/\s+/);
  if (parts.length !== 5) return [`must be a five-field cron expression "minute hour day-of-month month day-of-week" (got ${parts.length} fields)`];
  const problems: string[] = [];
  parts.forEach((part, i) => {
    const f = FIELDS[i];
    for (const item of part.split(',')) {
      const [range, step, ...rest] = item.split('/');
      if (rest.length || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
        problems.push(`${f.name} field "${part}" has a bad step`);
        continue;
      }
      if (range === '*' || (range === '?' && (i === 2 || i === 4))) continue;
      const [lo, hi, ...more] = range.split('-');
      const a = value(lo, f);
      const b = hi === undefined ? a : value(hi, f);
      if (more.length || a === undefined || b === undefined || a > b) {
        problems.push(`${f.name} field "${part}" is not a value or range within ${f.min}-${f.max}`);
      }
    }
  });
  return problems;
}
