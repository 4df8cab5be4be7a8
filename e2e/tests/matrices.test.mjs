// Browser test of the indicator matrices: the coverage overview, a phenomenon's matrix and its
// category filter, the inventory form (a rejected value stores nothing; giving a source access
// raises the coverage), the action list and the sources catalogue. axe runs on every page visited.

import assert from 'node:assert/strict';
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

/** Phenomena to look in first for a source that would raise the coverage. */
const PREFERRED = ['vakantieparken', 'arbeidsuitbuiting'];

/** Waits for a navigation to a URL matching `test` started by `action`, then checks a11y. */
async function navigate(page, test, action, label) {
  await Promise.all([page.waitForURL(test), action()]);
  await page.waitForLoadState('load');
  await checkA11y(page, label);
}

/** The coverage table of /matrices: per phenomenon id its share (%), covered and total. */
async function readCoverage(page) {
  const rows = await page.locator('tr[data-coverage]').evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.dataset.coverage,
      name: tr.querySelector('th').textContent.trim(),
      share: tr.querySelector('[data-share]').textContent.trim(),
      cell: tr.querySelector('td').textContent.replace(/\s+/g, ' ').trim(),
    })),
  );
  const out = new Map();
  for (const r of rows) {
    const share = /^(\d+)%$/.exec(r.share);
    assert.ok(share, `${r.id}: share ${JSON.stringify(r.share)} is not "N%"`);
    const counts = /\((\d+) \/ (\d+)\)/.exec(r.cell);
    assert.ok(counts, `${r.id}: no "(covered / total)" in ${JSON.stringify(r.cell)}`);
    out.set(r.id, {
      name: r.name,
      share: Number(share[1]),
      covered: Number(counts[1]),
      total: Number(counts[2]),
    });
  }
  return out;
}

/** The number of gaps in the heading of the gaps section, "Hiaten (N)" or the like. */
async function gapTotal(page) {
  const text = await page.locator('#gaps-heading').innerText();
  const m = /\((\d+)\)\s*$/.exec(text);
  assert.ok(m, `no count in the gaps heading ${JSON.stringify(text)}`);
  return Number(m[1]);
}

/**
 * A phenomenon's matrix as shown: the source column names, per indicator row whether it is
 * marked covered, its category and weightiness, and per column 2 (●), 1 (○) or 0 (empty);
 * and the numbers of the "Gedekt: X / Y" line.
 */
async function readMatrix(page) {
  const m = await page.evaluate(() => {
    const table = document.querySelector('table.baken-matrix');
    const heads = [...table.querySelectorAll('thead th')];
    const first = heads.findIndex((h) => h.classList.contains('baken-matrix__source'));
    return {
      first,
      columns: heads.slice(first).map((h) => h.textContent.trim()),
      rows: [...table.querySelectorAll('tbody tr[data-indicator]')].map((tr) => ({
        id: tr.dataset.indicator,
        covered: tr.classList.contains('baken-matrix--covered'),
        category: tr.children[1].textContent.trim(),
        weighty: tr.children[0].querySelector('.utrecht-badge-status') !== null,
        cells: [...tr.children].slice(first).map((td) => {
          if (td.querySelector('.baken-mark--have')) return 2;
          if (td.querySelector('.baken-mark')) return 1;
          return 0;
        }),
      })),
      coveredText: document.querySelector('[data-covered]').textContent.replace(/\s+/g, ' ').trim(),
    };
  });
  assert.ok(m.first >= 0, 'the matrix has no source columns');
  const g = /Gedekt: (\d+) \/ (\d+)/.exec(m.coveredText);
  assert.ok(g, `no "Gedekt: X / Y" in ${JSON.stringify(m.coveredText)}`);
  for (const r of m.rows) {
    assert.equal(r.cells.length, m.columns.length, `row ${r.id} has a cell per source column`);
    assert.equal(
      r.covered,
      r.cells.includes(2),
      `row ${r.id} is marked ${r.covered ? '' : 'not '}covered but its marks are ${r.cells.join('')}`,
    );
    assert.ok(r.cells.some((c) => c > 0), `row ${r.id} uses no source`);
  }
  return { ...m, covered: Number(g[1]), total: Number(g[2]) };
}

/**
 * Picks the source column that would cover the most uncovered rows (ties: the first), among
 * columns with only ○ marks (used here, not accessible). Returns null if there is none.
 */
function pickSource(matrix) {
  let best = null;
  matrix.columns.forEach((name, col) => {
    const marks = matrix.rows.map((r) => r.cells[col]);
    if (marks.includes(2) || !marks.includes(1)) return;
    const gain = matrix.rows.filter((r) => !r.covered && r.cells[col] === 1).length;
    if (gain > 0 && (best === null || gain > best.gain)) best = { name, col, gain };
  });
  return best;
}

/** Every named field of the inventory form: name → value (checkboxes: checked or not). */
async function formState(page) {
  return page.locator('form[action="/matrices/inventaris"]').evaluate((form) => {
    const out = {};
    for (const el of form.elements) {
      if (!el.name || el.name === 'csrf') continue;
      out[el.name] = el.type === 'checkbox' ? el.checked : el.value;
    }
    return out;
  });
}

describe('Baken: indicator matrices', () => {
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

  it('raises coverage by giving a source access, filters a matrix, tracks an action', async (t) => {
    await loginAs(page, 'analist@tilburg.demo');

    // The overview: coverage per phenomenon, the heat map and the gaps.
    await visit(page, '/matrices', 'matrices overview');
    const before = await readCoverage(page);
    for (const id of ['drugs', 'criminele-uitbuiting', ...PREFERRED]) {
      assert.ok(before.has(id), `no coverage row for ${id}; rows: ${[...before.keys()].join(', ')}`);
    }
    for (const [id, c] of before) {
      assert.ok(c.total > 0 && c.covered <= c.total, `${id}: ${c.covered} / ${c.total}`);
      assert.equal(c.share, Math.round((100 * c.covered) / c.total), `${id}: share vs counts`);
    }
    assert.ok(
      [...before.values()].some((c) => c.covered > 0),
      'the demo inventory covers some indicators',
    );
    await expectVisible(page.locator('table.baken-heat'), 'the heat map');
    assert.ok((await page.locator('[data-gaps] li').count()) >= 1, 'gaps are listed');
    const gapsBefore = await gapTotal(page);

    // A phenomenon with an uncovered indicator and a source column with only ○ marks.
    const order = [...PREFERRED, ...[...before.keys()].filter((id) => !PREFERRED.includes(id))];
    let phenomenon = null;
    let matrix = null;
    let source = null;
    for (const id of order) {
      await visit(page, `/matrices/${id}`, `matrix of ${id}`);
      matrix = await readMatrix(page);
      source = pickSource(matrix);
      if (source) {
        phenomenon = id;
        break;
      }
    }
    assert.ok(phenomenon, 'no phenomenon has a source that would raise its coverage');
    const cov = before.get(phenomenon);
    t.diagnostic(
      `${phenomenon}: ${cov.covered} / ${cov.total} (${cov.share}%); ${source.name} would cover ${source.gain} more`,
    );
    assert.equal(matrix.rows.length, cov.total, 'the unfiltered matrix shows every indicator');
    assert.equal(matrix.total, cov.total, '"Gedekt" total matches the overview');
    assert.equal(matrix.covered, cov.covered, '"Gedekt" count matches the overview');
    assert.equal(matrix.rows.filter((r) => r.covered).length, matrix.covered);
    assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), cov.name);

    // The category filter narrows the rows (the select submits itself on change).
    const byCategory = new Map();
    for (const r of matrix.rows) byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + 1);
    const [catLabel, catCount] = [...byCategory].sort((a, b) => a[1] - b[1])[0];
    assert.ok(catCount < matrix.rows.length, `only one category in ${phenomenon}`);
    const categorySelect = page.getByRole('combobox', { name: 'Categorie', exact: true });
    assert.equal(await categorySelect.getAttribute('id'), 'matrix-categorie');
    assert.equal(await categorySelect.inputValue(), '', 'no category is chosen at first');
    const catCode = await categorySelect
      .locator('option')
      .filter({ hasText: catLabel })
      .getAttribute('value');
    assert.ok(catCode, `no option for the category ${catLabel}`);
    await navigate(
      page,
      (url) => url.pathname === `/matrices/${phenomenon}` && url.searchParams.get('categorie') === catCode,
      () => categorySelect.selectOption(catCode),
      `matrix of ${phenomenon}, category ${catCode}`,
    );
    const filtered = await readMatrix(page);
    t.diagnostic(`category ${catCode}: ${catCount} of ${matrix.rows.length} rows`);
    assert.equal(filtered.rows.length, catCount, `rows in category ${catLabel}`);
    assert.ok(filtered.rows.every((r) => r.category === catLabel), 'only the chosen category');
    assert.deepEqual(
      filtered.rows.map((r) => r.id),
      matrix.rows.filter((r) => r.category === catLabel).map((r) => r.id),
    );
    assert.equal(await page.locator('#matrix-categorie').inputValue(), catCode, 'the choice is kept');
    assert.equal(filtered.covered, matrix.covered, '"Gedekt" counts the whole phenomenon');

    // "Weighty only" with the "Tonen" button (a checkbox does not submit itself).
    await Promise.all([
      page.waitForURL((url) => !url.searchParams.get('categorie')),
      page.locator('#matrix-categorie').selectOption(''),
    ]);
    await page.waitForLoadState('load');
    assert.equal((await readMatrix(page)).rows.length, matrix.rows.length, 'all categories again');
    await page.getByLabel('Alleen zwaarwegende indicatoren', { exact: true }).check();
    await navigate(
      page,
      (url) => url.searchParams.get('zwaarwegend') === 'ja',
      () => page.getByRole('button', { name: 'Tonen', exact: true }).click(),
      `matrix of ${phenomenon}, weighty only`,
    );
    const weighty = await readMatrix(page);
    const expectedWeighty = matrix.rows.filter((r) => r.weighty).map((r) => r.id);
    assert.ok(expectedWeighty.length > 0, `${phenomenon} has weighty indicators`);
    assert.deepEqual(weighty.rows.map((r) => r.id), expectedWeighty, 'only weighty indicators');

    // The inventory: find the source by its name, the label of its "have" checkbox.
    await visit(page, '/matrices/inventaris', 'inventory');
    const inventoryIds = await page
      .locator('tr[data-inventory]')
      .evaluateAll((trs) => trs.map((tr) => tr.dataset.inventory));
    assert.ok(inventoryIds.length >= 20, `only ${inventoryIds.length} sources in the inventory`);
    const haveBox = page.getByLabel(source.name, { exact: true });
    assert.equal(await haveBox.count(), 1, `one control is labelled ${JSON.stringify(source.name)}`);
    const boxId = await haveBox.getAttribute('id');
    assert.match(boxId, /^heeft-/);
    const sourceId = boxId.slice('heeft-'.length);
    assert.ok(inventoryIds.includes(sourceId), `no inventory row ${sourceId}`);
    const row = page.locator(`tr[data-inventory="${sourceId}"]`);
    assert.equal(await row.locator('label').innerText(), source.name);
    const stored = await formState(page);
    // Tilburg's demo inventory: BRP is held with direct access, the grid operator without.
    assert.equal(stored['heeft-brp'], true);
    assert.equal(stored['toegang-brp'], 'direct');
    assert.equal(stored['heeft-netbeheerder'], true);
    assert.equal(stored['toegang-netbeheerder'], 'geen');

    // A value the form does not offer (a tampered request) is refused and nothing is stored.
    await haveBox.check();
    await row.locator(`select[name="toegang-${sourceId}"]`).selectOption('direct');
    await page.locator('select[name="kwaliteit-brp"]').evaluate((select) => {
      select.add(new Option('9', '9'));
      select.value = '9';
    });
    const [refused] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/matrices/inventaris',
      ),
      page.getByRole('button', { name: 'Opslaan', exact: true }).click(),
    ]);
    assert.equal(refused.status(), 422, 'an invalid quality is refused');
    await page.waitForLoadState('load');
    const summary = page.locator('[data-error-summary]');
    await expectVisible(summary, 'the error summary');
    assert.equal(await summary.getAttribute('role'), 'alert');
    const errorLink = summary.locator('a[href="#kwaliteit-brp"]');
    await expectVisible(errorLink, 'a link from the summary to the BRP quality field');
    assert.equal(
      await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')),
      true,
      'the error summary has the focus',
    );
    assert.equal(
      await page.locator(`#heeft-${sourceId}`).isChecked(),
      true,
      'the refused form keeps what was entered',
    );
    await checkA11y(page, 'inventory with an error');
    await visit(page, '/matrices/inventaris', 'inventory after the refused save');
    assert.deepEqual(await formState(page), stored, 'the refused save stored nothing');

    // Give the source access: held, direct, quality 4.
    await haveBox.check();
    await row.locator(`select[name="toegang-${sourceId}"]`).selectOption('direct');
    await row.locator(`select[name="kwaliteit-${sourceId}"]`).selectOption('4');
    await row.locator(`input[name="afdeling-${sourceId}"]`).fill('Informatiegestuurd werken');
    const submitted = await formState(page);
    await navigate(
      page,
      (url) =>
        url.pathname === '/matrices/inventaris' && url.searchParams.get('melding') === 'inventory-saved',
      () => page.getByRole('button', { name: 'Opslaan', exact: true }).click(),
      'inventory saved',
    );
    const notice = page.getByRole('status');
    await expectVisible(notice, 'the "saved" notice');
    assert.match(await notice.innerText(), /De inventaris is opgeslagen/);
    assert.deepEqual(await formState(page), submitted, 'the form shows what was saved');
    assert.equal(await page.locator(`#heeft-${sourceId}`).isChecked(), true);

    // The coverage of the phenomenon went up by the rows the source serves.
    await visit(page, '/matrices', 'matrices overview after saving');
    const after = await readCoverage(page);
    const now = after.get(phenomenon);
    t.diagnostic(`${phenomenon} after adding ${sourceId}: ${now.covered} / ${now.total} (${now.share}%)`);
    const expectedCovered = cov.covered + source.gain;
    assert.equal(now.covered, expectedCovered, `${phenomenon}: covered after adding ${sourceId}`);
    assert.ok(
      now.share > cov.share,
      `${phenomenon}: share ${cov.share}% did not go up after adding ${sourceId} (now ${now.share}%)`,
    );
    assert.equal(now.share, Math.round((100 * expectedCovered) / cov.total));
    for (const [id, c] of before) {
      assert.ok(after.get(id).covered >= c.covered, `${id}: coverage went down`);
    }
    assert.ok(await gapTotal(page) <= gapsBefore - source.gain, 'the gaps went down');
    const heatHead = page.locator('table.baken-heat thead th.baken-heat__source', {
      has: page.locator(`span[title="${source.name}"]`),
    });
    assert.match(
      (await heatHead.getAttribute('class')) ?? '',
      /baken-heat__source--have/,
      'the heat map marks the source as accessible',
    );

    await visit(page, `/matrices/${phenomenon}`, `matrix of ${phenomenon} after saving`);
    const afterMatrix = await readMatrix(page);
    assert.equal(afterMatrix.covered, expectedCovered, '"Gedekt" went up');
    assert.ok(afterMatrix.covered > matrix.covered);
    const col = afterMatrix.columns.indexOf(source.name);
    assert.ok(col >= 0, `no column ${source.name}`);
    assert.ok(
      afterMatrix.rows.every((r) => r.cells[col] !== 1),
      `the ${source.name} column still has ○ marks`,
    );

    // The action list: add an action about the source, then finish it.
    await visit(page, '/matrices/acties', 'actions');
    const actionsBefore = await page.locator('tr[data-action]').count();
    assert.ok(actionsBefore >= 2, 'the demo has actions');
    const what = `Koppeling met ${source.name} inrichten (e2e ${Date.now()})`;
    await page.locator('#actie-wat').fill(what);
    await page.locator('#actie-wie').fill('Informatiegestuurd werken');
    await page.locator('#actie-wanneer').fill('2027-02-15');
    await page.locator('#actie-bron').selectOption(sourceId);
    await navigate(
      page,
      (url) => url.pathname === '/matrices/acties' && url.searchParams.get('melding') === 'action-added',
      () => page.getByRole('button', { name: 'Toevoegen', exact: true }).click(),
      'actions after adding one',
    );
    assert.match(await page.getByRole('status').innerText(), /De actie is toegevoegd/);
    assert.equal(await page.locator('tr[data-action]').count(), actionsBefore + 1);
    const actionRow = page.locator('tr[data-action]').filter({
      has: page.getByRole('rowheader', { name: what, exact: true }),
    });
    assert.equal(await actionRow.count(), 1, `the new action ${JSON.stringify(what)} is listed`);
    const actionId = await actionRow.getAttribute('data-action');
    assert.match(await actionRow.innerText(), /Informatiegestuurd werken/);
    assert.match(await actionRow.innerText(), /2027-02-15/);
    const status = actionRow.getByRole('combobox', { name: `Status: ${what}`, exact: true });
    assert.equal(await status.inputValue(), 'open', 'a new action is open');
    await status.selectOption('gereed');
    await navigate(
      page,
      (url) => url.pathname === '/matrices/acties' && url.searchParams.get('melding') === 'action-updated',
      () => actionRow.getByRole('button', { name: 'Opslaan', exact: true }).click(),
      'actions after a status change',
    );
    assert.match(await page.getByRole('status').innerText(), /De actie is bijgewerkt/);
    assert.equal(
      await page.locator(`tr[data-action="${actionId}"] select[name="status"]`).inputValue(),
      'gereed',
      'the status is stored',
    );

    // The sources catalogue: every inventory source, the chosen one used by its indicators.
    await visit(page, '/matrices/bronnen', 'sources');
    const sourceIds = await page
      .locator('tr[data-source]')
      .evaluateAll((trs) => trs.map((tr) => tr.dataset.source));
    assert.deepEqual(sourceIds, inventoryIds, 'the catalogue lists the inventory sources');
    const sourceRow = page.locator(`tr[data-source="${sourceId}"]`);
    assert.ok(
      (await sourceRow.locator('th').innerText()).startsWith(source.name),
      `the catalogue row of ${sourceId} is named ${source.name}`,
    );
    const usedBy = Number(
      (await sourceRow.locator('td.utrecht-table__cell--numeric').innerText()).trim(),
    );
    assert.ok(usedBy >= source.gain, `${sourceId} is used by ${usedBy} indicators`);
  });
});
