/**
 * Five-field cron expressions as the Kubernetes CronJob API accepts and runs them: the API server parses the
 * schedule with robfig/cron v3 `ParseStandard` (kubernetes pkg/apis/batch/validation validateScheduleFormat), and
 * the controller computes the next run with the same library. Bounds and the day rules below are robfig/cron
 * v3.0.1 `spec.go` (day of week 0-6, names sun-sat; `dayMatches`) and `parser.go` (`getRange`: `*` or `?` marks a
 * field as unrestricted unless a step > 1 follows; `N/step` means N-max/step).
 */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
/** Days in each month, February in a leap year (robfig/cron looks five years ahead, so February 29 does fire). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function value(token: string, f: (typeof FIELDS)[number]): number | undefined {
  const names: readonly string[] | undefined = 'names' in f ? f.names : undefined;
  const idx = names ? names.indexOf(token.toLowerCase()) : -1;
  if (idx >= 0) return idx + (f.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(token)) return undefined;
  const n = Number(token);
  return n >= f.min && n <= f.max ? n : undefined;
}

/** A parsed field: the values it allows, and whether it is unrestricted (`*` / `?` without a step > 1). */
interface Field { readonly values: Set<number>; readonly star: boolean }

/** Parses one field; pushes its problems. */
function parseField(part: string, i: number, problems: string[]): Field {
  const f = FIELDS[i];
  const values = new Set<number>();
  let star = false;
  for (const item of part.split(',')) {
    const [range, step, ...rest] = item.split('/');
    if (rest.length || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
      problems.push(`${f.name} field "${part}" has a bad step`);
      continue;
    }
    const by = step === undefined ? 1 : Number(step);
    let lo: number | undefined;
    let hi: number | undefined;
    if (range === '*' || range === '?') {
      [lo, hi] = [f.min, f.max];
      if (by === 1) star = true;
    } else {
      const [a, b, ...more] = range.split('-');
      lo = value(a, f);
      // "N/step" means N-max/step
      hi = b === undefined ? (step === undefined ? lo : f.max) : value(b, f);
      if (more.length || lo === undefined || hi === undefined || lo > hi) {
        problems.push(`${f.name} field "${part}" is not a value or range within ${f.min}-${f.max}`);
        continue;
      }
    }
    for (let v = lo!; v <= hi!; v += by) values.add(v);
  }
  return { values, star };
}

/** Problems with a cron schedule (empty = valid). Messages never exceed the schedule's own text. */
export function checkCron(schedule: string): string[] {
  const s = schedule.trim();
  if (MACROS.includes(s)) return [];
  if (/^(TZ|CRON_TZ)=/.test(s)) return ['time zones go in the CronJob timeZone field, not in the schedule'];
  const parts = s.split(/\s+/);
  if (parts.length !== 5) return [`must be a five-field cron expression "minute hour day-of-month month day-of-week" (got ${parts.length} fields)`];
  const problems: string[] = [];
  const fields = parts.map((part, i) => parseField(part, i, problems));
  if (problems.length) return problems;
  const [, , dom, month, dow] = fields;
  // robfig/cron dayMatches: when either day field is unrestricted, a day must match both; otherwise either.
  // A restricted day of week always matches some day, so only "day of month AND any weekday" can never fire.
  if (dow.star && !dom.star) {
    const fires = [...month.values].some((m) => [...dom.values].some((d) => d <= DAYS_IN_MONTH[m - 1]));
    if (!fires) {
      const months = [...month.values].sort((a, b) => a - b).map((m) => MONTH_NAMES[m - 1]).join(', ');
      const days = [...dom.values].sort((a, b) => a - b).join(', ');
      problems.push(`never fires: ${months} ${month.values.size === 1 ? 'has' : 'have'} no day ${days} (the CronJob would never create a Job)`);
    }
  }
  return problems;
}
