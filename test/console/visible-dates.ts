import type { Page } from 'playwright-core';

/**
 * What the page's main area shows of dates: any raw timestamp in its text ("2026-12-06", "20:05
 * UTC"; JSON in pre and code blocks and chart labels are left out), and each <time> with its text
 * and tooltip. Evaluated in the page (a string: the tests are compiled without the DOM's types).
 */
export async function visibleDates(page: Page): Promise<{ raw: string[]; times: { text: string; title: string }[] }> {
  return page.evaluate(`(() => {
    const main = document.querySelector('main').cloneNode(true);
    for (const data of main.querySelectorAll('pre, code, svg')) data.remove();
    const raw = main.textContent.match(/\\d{4}-\\d\\d-\\d\\d(T[\\d:.]+Z?)?|\\d\\d:\\d\\d UTC/g) ?? [];
    const times = [...document.querySelectorAll('main time')].map((t) => ({ text: t.textContent ?? '', title: t.getAttribute('title') ?? '' }));
    return { raw, times };
  })()`);
}
