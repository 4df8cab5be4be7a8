// Browser test of the readiness scan (/gereedheid): start a round, answer every question, read
// the results (respondents, radar, team scores), download the PDF report, and answer the first
// quiz question of the first e-learning module. axe runs on every page visited.

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

/** Waits for a navigation to a URL matching `test` started by `action`, then checks a11y. */
async function navigate(page, test, action, label) {
  await Promise.all([page.waitForURL(test), action()]);
  await page.waitForLoadState('load');
  await checkA11y(page, label);
}

describe('Baken: readiness scan', () => {
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

  it('answers a new round, reads the results and the PDF, and takes a quiz', async (t) => {
    await loginAs(page, 'analist@tilburg.demo');

    // The overview: the demo's closed rounds, the start button and the e-learning modules.
    await visit(page, '/gereedheid', 'readiness overview');
    const roundsBefore = await page.locator('tr[data-round]').count();
    assert.ok(roundsBefore >= 2, `the demo has closed rounds (found ${roundsBefore})`);
    const modules = page.locator('[data-module]');
    assert.ok((await modules.count()) >= 1, 'e-learning modules are listed');

    // Start a new round.
    const roundPath = /^\/gereedheid\/rondes\/([^/]+)$/;
    await navigate(
      page,
      (url) => roundPath.test(url.pathname),
      () => page.getByRole('button', { name: 'Nieuwe ronde starten', exact: true }).click(),
      'new round',
    );
    const roundId = roundPath.exec(new URL(page.url()).pathname)[1];
    t.diagnostic(`new round ${roundId}`);

    // Answer every question, cycling the levels 1..5 deterministically.
    const questions = await page
      .locator('[data-question]')
      .evaluateAll((els) => els.map((el) => el.dataset.question));
    assert.ok(questions.length >= 7, `only ${questions.length} questions`);
    for (const [i, q] of questions.entries()) {
      const set = page.locator(`[data-question="${q}"]`);
      assert.equal(await set.locator('input[type="radio"]').count(), 5, `${q} has 5 levels`);
      const level = (i % 5) + 1;
      await set.locator(`input[type="radio"][value="${level}"]`).check();
    }
    t.diagnostic(`answered ${questions.length} questions`);

    await navigate(
      page,
      (url) => url.pathname === `/gereedheid/rondes/${roundId}/uitslag`,
      () => page.getByRole('button', { name: 'Antwoorden opslaan', exact: true }).click(),
      'round results',
    );

    // The results: one respondent, strongest/weakest, the radar and 7 team scores.
    assert.equal((await page.locator('[data-respondents]').innerText()).trim(), '1');
    await expectVisible(page.locator('[data-strongest]'), 'strongest and weakest dimension');
    await expectVisible(page.locator('svg.baken-radar'), 'the radar chart');
    const scores = await page
      .locator('[data-team-score]')
      .evaluateAll((tds) => tds.map((td) => td.textContent.trim()));
    assert.equal(scores.length, 7, `team scores: ${JSON.stringify(scores)}`);
    for (const s of scores) {
      const n = Number(s.replace(',', '.'));
      assert.ok(Number.isFinite(n) && n >= 1 && n <= 5, `team score ${JSON.stringify(s)} in 1..5`);
    }
    t.diagnostic(`team scores: ${scores.join(' ')}`);

    // The PDF report.
    const report = page.locator('a[data-report]');
    assert.equal(await report.getAttribute('href'), `/gereedheid/rondes/${roundId}/rapport.pdf`);
    const [download] = await Promise.all([page.waitForEvent('download'), report.click()]);
    const stream = await download.createReadStream();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const pdf = Buffer.concat(chunks);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the report is a PDF');
    t.diagnostic(`PDF ${download.suggestedFilename()}: ${pdf.length} bytes`);

    // The overview lists the new round with one response.
    await visit(page, '/gereedheid', 'readiness overview after answering');
    assert.equal(await page.locator('tr[data-round]').count(), roundsBefore + 1);
    const roundRow = page.locator(`tr[data-round="${roundId}"]`);
    assert.equal(await roundRow.count(), 1, `round ${roundId} is listed`);

    // The first e-learning module: answer its first quiz question.
    const firstModule = page.locator('[data-module]').first();
    const moduleId = await firstModule.getAttribute('data-module');
    await navigate(
      page,
      (url) => url.pathname === `/gereedheid/leren/${moduleId}`,
      () => firstModule.getByRole('link').first().click(),
      `module ${moduleId}`,
    );
    const progress = page.locator('[data-progress]');
    const total = /^0\/(\d+)$/.exec((await progress.innerText()).trim());
    assert.ok(total, `progress starts at 0/n, got ${JSON.stringify(await progress.innerText())}`);
    const quiz = page.locator('form[data-quiz]').first();
    const quizId = await quiz.getAttribute('data-quiz');
    await quiz.locator('input[name="antwoord"]').first().check();
    await navigate(
      page,
      (url) => url.pathname === `/gereedheid/leren/${moduleId}`,
      () => quiz.getByRole('button', { name: 'Controleren', exact: true }).click(),
      `module ${moduleId} after a quiz answer`,
    );
    const feedback = page.locator(`form[data-quiz="${quizId}"] [data-feedback]`);
    await expectVisible(feedback, 'feedback on the answered question');
    assert.match(await feedback.getAttribute('data-feedback'), /^(juist|onjuist)$/);
    assert.equal((await page.locator('[data-progress]').innerText()).trim(), `1/${total[1]}`);
    t.diagnostic(`module ${moduleId}, quiz ${quizId}: ${await feedback.getAttribute('data-feedback')}`);
  });
});
