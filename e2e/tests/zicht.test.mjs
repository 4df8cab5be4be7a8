// Browser test of the Zicht dashboards: choosing an area, the overview, a theme page, switching
// the year, going to another municipality through the map (by mouse and by keyboard) and
// downloading an indicator as CSV. axe runs on every page visited.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';

import {
  checkA11y,
  expectVisible,
  launchBrowser,
  loginAs,
  newContext,
  startBaken,
  visit,
} from './helpers.mjs';

/** Clicks something that navigates, waits for the new page to load, and checks its a11y. */
async function clickAndLoad(page, locator, label) {
  await Promise.all([page.waitForEvent('load'), locator.click()]);
  await checkA11y(page, label);
}

/** The `jaar` query parameter of the current URL. */
function yearOf(page) {
  return new URL(page.url()).searchParams.get('jaar');
}

/** What document.activeElement is: its tag, class and href (or null). */
async function activeElement(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return null;
    return {
      tag: el.tagName.toLowerCase(),
      cls: el.getAttribute('class') ?? '',
      href: el.getAttribute('href'),
    };
  });
}

/** Splits a CSV line on `;` (the export quotes no field in the lines this test reads). */
const cells = (line) => line.split(';');

describe('Baken: Zicht dashboards', () => {
  let server;
  let browser;
  let context;
  let page;

  before(async () => {
    server = await startBaken();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  beforeEach(async () => {
    context = await newContext(browser, server.baseURL);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  it('chooses an area, opens a theme, changes the year, follows the map and exports CSV', async () => {
    await loginAs(page, 'analist@tilburg.demo');

    // /zicht: the area form, with the user's own municipality preselected.
    await visit(page, '/zicht', 'Zicht: choose an area');
    const areaSelect = page.getByRole('combobox', { name: 'Kies een gebied', exact: true });
    assert.equal(await areaSelect.getAttribute('id'), 'zicht-gebied');
    assert.equal(await areaSelect.inputValue(), 'GM0855', 'Tilburg is preselected');
    await clickAndLoad(
      page,
      page.getByRole('button', { name: 'Openen', exact: true }),
      'Zicht overview of Tilburg',
    );
    assert.equal(new URL(page.url()).pathname, '/zicht/GM0855');

    // The overview: heading, "Wat valt op" and a table per theme.
    const h1 = page.getByRole('heading', { level: 1 });
    assert.equal((await h1.innerText()).trim(), 'Zicht op Tilburg');
    const standouts = page.getByRole('region', { name: 'Wat valt op' });
    await expectVisible(standouts, 'the "Wat valt op" section');
    assert.ok(
      (await standouts.locator('[data-standouts] li').count()) >= 1,
      'the demo data has at least one standout for Tilburg',
    );
    const drugsTable = page.getByRole('table', { name: 'Drugs: Tilburg en Nederland' });
    await expectVisible(drugsTable, 'the Drugs table on the overview');
    assert.ok((await drugsTable.locator('tbody tr').count()) >= 1, 'the Drugs table has rows');

    // The theme tabs lead to the Drugs page (the latest year by default).
    const tabs = page.locator('nav.baken-tabs');
    await clickAndLoad(page, tabs.getByRole('link', { name: 'Drugs', exact: true }), 'Drugs, Tilburg');
    assert.equal(new URL(page.url()).pathname, '/zicht/GM0855/drugs');
    assert.match(await h1.innerText(), /Drugs.*Tilburg/);
    assert.equal(
      await page.locator('nav.baken-tabs').getByRole('link', { name: 'Drugs', exact: true })
        .getAttribute('aria-current'),
      'page',
      'the Drugs tab is marked as the current page',
    );
    const articles = page.locator('article.baken-indicator');
    assert.ok((await articles.count()) >= 1, 'the Drugs page shows indicators');
    const firstCard = articles.first();
    await expectVisible(firstCard.locator('[data-value]'), 'the value of the first indicator');
    await expectVisible(firstCard.locator('figure.baken-map svg'), 'the map of the first indicator');

    // Switch the year: the option before the selected one (the latest year is the default).
    const yearSelect = page.getByRole('combobox', { name: 'Jaar', exact: true });
    assert.equal(await yearSelect.getAttribute('id'), 'zicht-jaar');
    const years = await yearSelect.locator('option').evaluateAll((os) => os.map((o) => o.value));
    const fromYear = await yearSelect.inputValue();
    const index = years.indexOf(fromYear);
    assert.ok(index >= 1, `no earlier year than ${fromYear} among ${years.join(', ')}`);
    const toYear = years[index - 1];
    // With JavaScript on the filter form submits itself when the select changes.
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('jaar') === toYear),
      yearSelect.selectOption(toYear),
    ]);
    await page.waitForLoadState('load');
    await checkA11y(page, `Drugs, Tilburg, ${toYear}`);
    assert.equal(new URL(page.url()).pathname, '/zicht/GM0855/drugs');
    assert.notEqual(yearOf(page), fromYear);
    assert.equal(await page.getByRole('combobox', { name: 'Jaar', exact: true }).inputValue(), toYear);
    assert.ok(
      (await firstCard.locator('dt').first().innerText()).includes(`Tilburg ${toYear}`),
      'the value is labelled with the new year',
    );

    // The first map: Tilburg is the current area; every area link keeps the theme and year.
    const mapLinks = page.locator('figure.baken-map').first().locator('a.area');
    const links = await mapLinks.evaluateAll((as) =>
      as.map((a) => ({
        href: a.getAttribute('href'),
        title: a.querySelector('title')?.textContent ?? '',
        current: a.getAttribute('aria-current'),
      })),
    );
    assert.ok(links.length > 100, `only ${links.length} area links on the map`);
    for (const l of links) {
      assert.match(l.href, new RegExp(`^/zicht/GM\\d{4}/drugs\\?jaar=${toYear}$`), l.href);
    }
    const own = links.filter((l) => l.current === 'true');
    assert.deepEqual(own.map((l) => l.href), [`/zicht/GM0855/drugs?jaar=${toYear}`]);
    assert.match(own[0].title, /^Tilburg: /);

    // Keyboard: the first municipality on the map that is not Tilburg takes focus, is in the
    // tab order (Tab moves on to the next area, which shows a focus outline), and Enter opens it.
    const other = links.find((l) => !l.href.startsWith('/zicht/GM0855/'));
    const otherCode = other.href.split('/')[2];
    const otherName = other.title.split(': ')[0];
    assert.ok(otherName.length > 0, `no name in the map title ${JSON.stringify(other.title)}`);
    await mapLinks.and(page.locator(`[href="${other.href}"]`)).focus();
    assert.deepEqual(
      await activeElement(page),
      { tag: 'a', cls: 'area', href: other.href },
      `the map link of ${otherName} has the focus`,
    );
    await page.keyboard.press('Tab');
    const next = await activeElement(page);
    assert.equal(next?.cls, 'area', `Tab from a map area went to ${JSON.stringify(next)}`);
    assert.notEqual(next.href, other.href);
    const focusStroke = await page.evaluate(
      () => getComputedStyle(document.activeElement.querySelector('use, path')).strokeWidth,
    );
    assert.equal(focusStroke, '2.5px', 'the focused map area has no visible outline');
    await page.keyboard.press('Shift+Tab');
    assert.equal((await activeElement(page))?.href, other.href, 'Shift+Tab goes back');
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/zicht/${otherCode}/drugs`),
      page.keyboard.press('Enter'),
    ]);
    await page.waitForLoadState('load');
    await checkA11y(page, `Drugs, ${otherName}, ${toYear}`);
    assert.equal(yearOf(page), toYear, 'the year is kept');
    assert.equal(await page.getByRole('combobox', { name: 'Jaar', exact: true }).inputValue(), toYear);
    const otherH1 = await page.getByRole('heading', { level: 1 }).innerText();
    assert.ok(otherH1.includes(otherName), `h1 ${JSON.stringify(otherH1)} lacks ${otherName}`);
    const otherMap = page.locator('figure.baken-map').first();
    assert.equal(
      await otherMap.locator('a.area[aria-current="true"]').getAttribute('href'),
      other.href,
      `${otherName} is the current area on its own map`,
    );

    // Mouse: click Tilburg on this map, back to Tilburg's page for the same year (checked by
    // axe above already).
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/zicht/GM0855/drugs'),
      otherMap.locator(`a.area[href="/zicht/GM0855/drugs?jaar=${toYear}"]`).click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(yearOf(page), toYear);
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Tilburg/);

    // Export the first indicator as CSV.
    const card = page.locator('article.baken-indicator').first();
    const indicator = await card.getAttribute('data-indicator');
    const indicatorName = (await card.getByRole('heading', { level: 2 }).innerText()).trim();
    const csvLink = card.locator('a[data-export-csv]');
    assert.equal(
      await csvLink.getAttribute('href'),
      `/zicht/export/${indicator}.csv?jaar=${toYear}`,
    );
    assert.equal(
      await card.getByRole('link', { name: 'XLSX', exact: true }).getAttribute('href'),
      `/zicht/export/${indicator}.xlsx?jaar=${toYear}`,
    );
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    assert.equal(download.suggestedFilename(), `baken-${indicator}-${toYear}.csv`);
    const bytes = await readFile(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with a UTF-8 BOM');
    const lines = bytes.subarray(3).toString('utf8').split(/\r?\n/);
    const headerAt = lines.findIndex((l) => l.startsWith('Gebiedscode;'));
    assert.ok(headerAt > 0, `no header line in the CSV:\n${lines.slice(0, 12).join('\n')}`);
    const stamp = lines.slice(0, headerAt);
    const rows = lines.slice(headerAt + 1).filter((l) => l !== '');
    // Collect every problem with the file, so one run reports them all.
    const problems = [];
    const expectLine = (test, what) => {
      if (!stamp.some(test)) problems.push(`no stamp line with ${what}`);
    };
    expectLine((l) => l === `Indicator: ${indicatorName}`, `"Indicator: ${indicatorName}"`);
    expectLine((l) => l === `Jaar: ${toYear}`, `"Jaar: ${toYear}"`);
    expectLine((l) => /^Bron: \S/.test(l), '"Bron: …"');
    expectLine((l) => /^Gemaakt op: \d{4}-\d{2}-\d{2}$/.test(l), '"Gemaakt op: YYYY-MM-DD"');
    expectLine((l) => /afgeschermd/.test(l), 'the disclosure note ("… afgeschermd.")');
    if (stamp.at(-1) !== '') {
      problems.push(
        `the line between the stamp and the header is ${JSON.stringify(stamp.at(-1))}, not empty`,
      );
    }
    const header = cells(lines[headerAt]);
    if (header.slice(0, 3).join(';') !== 'Gebiedscode;Gebied;Niveau' || header.length !== 4) {
      problems.push(`header ${JSON.stringify(lines[headerAt])}`);
    }
    if (!rows.some((r) => r.startsWith('NL01;Nederland;land;'))) problems.push('no row for NL01');
    const gmRows = rows.filter((r) => /^GM\d{4};/.test(r));
    if (gmRows.length < 300) problems.push(`only ${gmRows.length} municipality rows`);
    const tilburgRow = gmRows.find((r) => r.startsWith('GM0855;'));
    if (!tilburgRow?.startsWith('GM0855;Tilburg;gemeente;')) {
      problems.push(`Tilburg's row is ${JSON.stringify(tilburgRow)}, not "GM0855;Tilburg;gemeente;…"`);
    }
    const otherRow = gmRows.find((r) => r.startsWith(`${otherCode};`));
    if (!otherRow?.startsWith(`${otherCode};${otherName};gemeente;`)) {
      problems.push(`${otherName}'s row is ${JSON.stringify(otherRow)}`);
    }
    const unnamed = gmRows.filter((r) => cells(r)[1] === '');
    if (unnamed.length > 0) {
      problems.push(
        `${unnamed.length} of ${gmRows.length} municipality rows have no name, e.g. ${unnamed.slice(0, 3).join(' | ')}`,
      );
    }
    assert.deepEqual(problems, [], `problems in ${download.suggestedFilename()}`);
  });

  it('changes the year with the "Tonen" button without Baken\'s script', async () => {
    // Every page works without /static/baken.js. Serve it empty (rather than turning JavaScript
    // off, which would also stop axe) so the year select no longer submits on change.
    let emptied = 0;
    await context.route('**/static/baken.js', (route) => {
      emptied += 1;
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: '' });
    });
    await loginAs(page, 'analist@tilburg.demo');
    await visit(page, '/zicht/GM0855/context', 'Context, Tilburg (without baken.js)');
    const yearSelect = page.getByRole('combobox', { name: 'Jaar', exact: true });
    const years = await yearSelect.locator('option').evaluateAll((os) => os.map((o) => o.value));
    const toYear = years[0];
    assert.notEqual(await yearSelect.inputValue(), toYear);
    await yearSelect.selectOption(toYear);
    assert.ok(emptied > 0, 'the page did not load /static/baken.js');
    // Without the script nothing happens on change; the button submits the form.
    await clickAndLoad(
      page,
      page.getByRole('button', { name: 'Tonen', exact: true }),
      `Context, Tilburg, ${toYear} (without baken.js)`,
    );
    assert.equal(new URL(page.url()).pathname, '/zicht/GM0855/context');
    assert.equal(yearOf(page), toYear);
    assert.equal(await page.getByRole('combobox', { name: 'Jaar', exact: true }).inputValue(), toYear);
  });
});
