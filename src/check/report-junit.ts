import { AREAS, type CheckReport } from './check-types.js';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML for CI: one testsuite per area, one testcase per check (classname = area, name = id). */
export function formatJunitReport(report: CheckReport): string {
  const suites = AREAS.map((area) => {
    const results = report.results.filter((r) => r.area === area);
    if (results.length === 0) return '';
    const cases = results.map((r) => {
      const open = `    <testcase classname="scimd-check.${area}" name="${escape(r.id)}" time="${(r.ms / 1000).toFixed(3)}">`;
      if (r.verdict === 'pass') return `${open}</testcase>`;
      if (r.verdict === 'skip') return `${open}\n      <skipped message="${escape(r.message ?? '')}"/>\n    </testcase>`;
      const evidence = (r.evidence ?? []).map((e) => `> ${e.request.method} ${e.request.url}${e.request.body ? `\n> ${e.request.body}` : ''}\n< ${e.status}\n< ${e.excerpt}`).join('\n\n');
      return `${open}\n      <failure message="${escape(r.message ?? 'failed')}" type="${escape(r.authority)}">${escape(`${r.title}\nauthority: ${r.authority}\n\n${evidence}`)}</failure>\n    </testcase>`;
    });
    const count = (v: string) => results.filter((r) => r.verdict === v).length;
    const time = results.reduce((sum, r) => sum + r.ms, 0) / 1000;
    return `  <testsuite name="scimd-check.${area}" tests="${results.length}" failures="${count('fail')}" skipped="${count('skip')}" errors="0" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  }).filter(Boolean);
  const { pass, fail, skip } = report.summary;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="scimd check ${escape(report.target)}" tests="${pass + fail + skip}" failures="${fail}" skipped="${skip}">\n${suites.join('\n')}\n</testsuites>\n`;
}
