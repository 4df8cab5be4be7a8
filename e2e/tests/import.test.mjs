// Browser test of importing an organisation's own table: upload, preview with a type per
// column, confirmation, and the background job running to completion in the server.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { checkA11y, expectVisible, launchBrowser, loginAs, newContext, startBaken, visit } from './helpers.mjs';

describe('Baken: importing a table', () => {
  let server;
  let browser;

  before(async () => {
    server = await startBaken();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('uploads a Dutch CSV, confirms the columns and sees the import finish', async () => {
    const context = await newContext(browser, server.baseURL);
    const page = await context.newPage();
    await loginAs(page, 'analist@tilburg.demo');
    await visit(page, '/importeren', 'import page');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Gegevens importeren' }));

    const csv = 'gemeente;datum;soort;bedrag\nGM0855;03-01-2024;hennep;1.234,50\nGM0855;2024-02-29;lab;12,5\nGM0758;15-03-2023;hennep;7\n';
    await page.getByLabel('Bestand', { exact: true }).setInputFiles({
      name: 'incidenten.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await Promise.all([
      page.waitForURL(/\/importeren\/\d+$/),
      page.getByRole('button', { name: 'Uploaden en bekijken' }).click(),
    ]);
    await checkA11y(page, 'import preview');
    await expectVisible(page.getByText('CSV (UTF-8, ;)'), 'detected format');
    await expectVisible(page.getByRole('cell', { name: 'hennep' }), 'preview rows');
    assert.equal(await page.getByLabel('bedrag', { exact: true }).inputValue(), 'decimaal');
    assert.equal(await page.getByLabel('gemeente', { exact: true }).inputValue(), 'gemeentecode');
    assert.equal(await page.getByLabel('Dataset', { exact: true }).inputValue(), 'incidenten');

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Importeren', exact: true }).click()]);
    // The page follows the job (it refreshes itself while the job runs) until it is done.
    await expectVisible(page.getByText(/3 rijen opgeslagen in dataset incidenten/), 'the import finished');
    await checkA11y(page, 'finished import');

    await visit(page, '/importeren', 'import page with the finished job');
    await expectVisible(page.getByRole('cell', { name: 'Klaar' }), 'the job is listed as done');
    await context.close();
  });
});
