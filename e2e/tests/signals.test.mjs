// Browser test of the signal step plan: a signal goes from intake to the case meeting with the
// regisseur, a team member, the privacy officer and an analyst, each signed in in turn. Weighing
// 1 is first refused without a reasoning (the error summary names the field), the analyst asks
// the handhaving source and gets a hit, and the case meeting's decision lands in the timeline.
// axe runs on every page visited, and again on a signal's page with each action form opened.

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

/** The demo address with hits in the demo's `handhaving` source. */
const ADDRESS = { straat: 'Heuvelstraat', huisnummer: '12', postcode: '5038 AA', gemeente: 'GM0855' };

/** The legal basis used where a step asks for one (in the shipped step plan). */
const BASIS = 'avg-6-1-e';

/** Waits for a navigation to a URL matching `test` started by `action`, then checks a11y. */
async function navigate(page, test, action, label) {
  await Promise.all([page.waitForURL(test), action()]);
  await page.waitForLoadState('load');
  await checkA11y(page, label);
}

/** A date `days` from today as YYYY-MM-DD (local time). */
function isoDate(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Logs the current user out with the header button and logs `email` in (a11y checked). */
async function switchUser(page, email) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/inloggen'),
    page.getByRole('button', { name: 'Uitloggen', exact: true }).click(),
  ]);
  await loginAs(page, email);
}

/** Opens a signal's page and checks that its state badge shows `state`. */
async function openSignal(page, id, state, label) {
  await visit(page, `/signalen/${id}`, label);
  assert.equal(await page.locator('.baken-badge').getAttribute('data-state'), state, label);
}

/**
 * The action form `code` on a signal's page, opened (a lone form is open already; clicking its
 * summary again would close it). axe checks the page again with the form open.
 */
async function openAction(page, code) {
  const details = page.locator(`details[data-action="${code}"]`);
  assert.equal(await details.count(), 1, `the action ${code} is offered`);
  if (!(await details.evaluate((el) => el.open))) {
    await details.locator(':scope > summary').click();
  }
  await expectVisible(details.locator('form'), `the form of ${code} is open`);
  await checkA11y(page, `signal page with the form ${code} open`);
  return details;
}

/**
 * Submits an action form with its button (named like the action) and waits for the page that
 * follows. Returns the HTTP status of the POST: 303 when the step was taken (then the browser is
 * on the signal's page with the notice), 422 when it was refused (the page is shown again).
 */
async function submitAction(page, details, buttonName, id, label) {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/signalen/${id}/acties`,
    ),
    details.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  if (response.status() === 303) {
    await page.waitForURL(
      (url) => url.pathname === `/signalen/${id}` && url.searchParams.get('melding') === 'step-taken',
    );
  }
  await page.waitForLoadState('load');
  await checkA11y(page, label);
  return response.status();
}

/** Takes a step that must succeed, and checks the notice and the state it leads to. */
async function takeStep(page, details, buttonName, id, to) {
  const status = await submitAction(page, details, buttonName, id, `signal page after ${buttonName}`);
  if (status !== 303) {
    const summary = page.locator('[data-error-summary]');
    const why = (await summary.count()) ? await summary.innerText() : '(no error summary)';
    assert.fail(`step "${buttonName}" answered ${status}: ${why}`);
  }
  await expectVisible(
    page.getByRole('status').getByText('De stap is gezet en vastgelegd in de tijdlijn.', { exact: true }),
    'the step-taken notice',
  );
  assert.equal(await page.locator('.baken-badge').getAttribute('data-state'), to, `state after ${buttonName}`);
}

describe('Baken: signals from intake to the case meeting', () => {
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

  it('takes a signal from intake to the case meeting with the regisseur, team and privacy officer', async (t) => {
    // ----- The regisseur: register the signal. -----
    await loginAs(page, 'regisseur@tilburg.demo');
    await visit(page, '/signalen', 'signal work queue');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Signalen' }));

    await navigate(
      page,
      (url) => url.pathname === '/signalen/nieuw',
      () => page.getByRole('link', { name: 'Nieuw signaal', exact: true }).click(),
      'new signal form',
    );
    const received = page.getByLabel('Ontvangen', { exact: true });
    assert.match(await received.inputValue(), /^\d{4}-\d{2}-\d{2}$/, 'the received date is prefilled');
    await page.getByLabel('Kanaal', { exact: true }).selectOption('eigen-professional');
    const description =
      "Collega van handhaving ziet 's nachts veel verkeer bij een pand dat als opslag staat ingeschreven. E2E-test.";
    await page.getByLabel('Omschrijving', { exact: true }).fill(description);
    const phenomenon = page.getByLabel('Fenomeen', { exact: true });
    const phenomenonId = await phenomenon.locator('option:not([value=""])').first().getAttribute('value');
    await phenomenon.selectOption(phenomenonId);
    await page.getByLabel('Straat', { exact: true }).fill(ADDRESS.straat);
    await page.getByLabel('Huisnummer', { exact: true }).fill(ADDRESS.huisnummer);
    await page.getByLabel('Postcode', { exact: true }).fill(ADDRESS.postcode);
    await page.getByLabel('Gemeentecode (bijv. GM0855)', { exact: true }).fill(ADDRESS.gemeente);
    await page.getByLabel('Naam', { exact: true }).fill('Jan E2E-Testpersoon');
    await page.getByLabel('Geboortedatum', { exact: true }).fill('1981-04-17');

    const signalPath = /^\/signalen\/(\d+)$/;
    await navigate(
      page,
      (url) => signalPath.test(url.pathname) && url.searchParams.get('melding') === 'signal-registered',
      () => page.getByRole('button', { name: 'Signaal vastleggen', exact: true }).click(),
      'new signal page',
    );
    const id = signalPath.exec(new URL(page.url()).pathname)[1];
    const reference = await page.locator('h1[data-reference]').getAttribute('data-reference');
    t.diagnostic(`signal ${id}, reference ${reference}, phenomenon ${phenomenonId}`);
    await expectVisible(
      page.getByRole('status').getByText('Het signaal is vastgelegd en staat in intake.', { exact: true }),
      'the signal-registered notice',
    );
    assert.equal(await page.locator('.baken-badge').getAttribute('data-state'), 'intake');
    assert.equal((await page.locator('[data-description]').innerText()).trim(), description);
    const subjects = await page.locator('li[data-subject]').allInnerTexts();
    assert.ok(
      subjects.some((s) => s.includes(`${ADDRESS.straat} ${ADDRESS.huisnummer}, ${ADDRESS.postcode}`)),
      `the address is a subject: ${JSON.stringify(subjects)}`,
    );
    assert.ok(subjects.some((s) => s.startsWith('Persoon')), `the person is a subject: ${JSON.stringify(subjects)}`);
    assert.equal(await page.locator('ol.baken-timeline > li').count(), 0, 'no steps yet');

    // Weighing 1 without a reasoning is refused, and the error summary names the field.
    let form = await openAction(page, 'weging-1-ja');
    await form.locator('input[name="verankering"]').first().check();
    const refused = await submitAction(
      page,
      form,
      'Weging 1: wel ondermijning',
      id,
      'signal page with weighing 1 refused',
    );
    assert.equal(refused, 422, 'weighing 1 without a reasoning is refused');
    const summary = page.locator('[data-error-summary]');
    await expectVisible(summary, 'the error summary');
    const named = await summary.locator('li[data-field]').evaluateAll((lis) => lis.map((li) => li.dataset.field));
    assert.deepEqual(named, ['Motivering'], `the error summary names the reasoning: ${await summary.innerText()}`);
    assert.equal(await page.locator('.baken-badge').getAttribute('data-state'), 'intake', 'nothing moved');
    assert.equal(await page.locator('ol.baken-timeline > li').count(), 0, 'no step recorded');

    // Weighing 1 with an anchoring indicator and a reasoning.
    form = await openAction(page, 'weging-1-ja');
    await form.locator('input[name="verankering"]').first().check();
    await form.getByLabel('Motivering *', { exact: true }).fill(
      'Het pand ligt in de wijk en wordt door een lokale ondernemer gebruikt; het patroon past bij ondermijning.',
    );
    await takeStep(page, form, 'Weging 1: wel ondermijning', id, 'weging-2a');

    // Weighing 2A: a municipal task, on a legal basis.
    form = await openAction(page, 'weging-2a-ja');
    await form.getByLabel('Motivering *', { exact: true }).fill('Openbare orde en vergunningen zijn een gemeentelijke taak.');
    await form.getByLabel('Grondslag *', { exact: true }).selectOption(BASIS);
    await takeStep(page, form, 'Weging 2A: gemeentelijke taak', id, 'weging-2b');

    // Weighing 2B: the municipality's own territory.
    form = await openAction(page, 'weging-2b-ja');
    await form.getByLabel('Motivering *', { exact: true }).fill('Het adres ligt in Tilburg.');
    await takeStep(page, form, 'Weging 2B: eigen grondgebied', id, 'weging-3');

    // ----- The team member: weighing 3, source research. -----
    await switchUser(page, 'team@tilburg.demo');
    await openSignal(page, id, 'weging-3', 'signal page (team, weighing 3)');
    form = await openAction(page, 'weging-3-bronnenonderzoek');
    await form.locator('input[name="ernst"]').first().check();
    await form.getByLabel('Motivering *', { exact: true }).fill('Concreet en recent signaal; bronnenonderzoek is nodig.');
    await takeStep(page, form, 'Weging 3: bronnenonderzoek', id, 'privacytoets-1');

    // ----- The privacy officer: privacy check 1 approves the handhaving source. -----
    await switchUser(page, 'privacy@tilburg.demo');
    await openSignal(page, id, 'privacytoets-1', 'signal page (privacy officer, privacy check 1)');
    form = await openAction(page, 'privacytoets-1-akkoord');
    await form.locator('input[name="bronnen"][value="handhaving"]').check();
    await form.getByLabel('Grondslag *', { exact: true }).selectOption(BASIS);
    await form
      .getByLabel('Verenigbaarheid met het oorspronkelijke doel *', { exact: true })
      .fill('Handhavingsgegevens dienen de openbare orde, net als dit onderzoek; alleen hit/no-hit.');
    await form
      .getByLabel('Noodzaak, proportionaliteit en subsidiariteit *', { exact: true })
      .fill('Eerst alleen hit/no-hit op één bron; details pas na een apart verzoek.');
    await takeStep(page, form, 'Privacytoets 1: bronnen goedkeuren', id, 'bronnenonderzoek');

    // ----- The analyst: ask the approved source; the address is a hit. -----
    await switchUser(page, 'analist@tilburg.demo');
    await openSignal(page, id, 'bronnenonderzoek', 'signal page (analyst, source research)');
    const ask = page.locator('button[data-ask="handhaving"]');
    assert.equal(await ask.count(), 1, 'only the approved source can be asked, once');
    assert.equal(await page.locator('button[data-ask]').count(), 1, 'no source besides handhaving is offered');
    await navigate(
      page,
      (url) => url.pathname === `/signalen/${id}` && url.searchParams.get('melding') === 'source-asked',
      () => ask.click(),
      'signal page after asking handhaving',
    );
    await expectVisible(page.getByRole('status').getByText('De bron heeft geantwoord.', { exact: true }));
    const hitRow = page.locator('tr[data-question]').filter({ has: page.locator('[data-hit="true"]') });
    await expectVisible(hitRow, 'a hit from handhaving');
    const hits = await hitRow.allInnerTexts();
    t.diagnostic(`hits: ${JSON.stringify(hits.map((h) => h.replace(/\s+/g, ' ').trim()))}`);
    assert.ok(
      hits.some((h) => h.includes(`${ADDRESS.straat} ${ADDRESS.huisnummer}, ${ADDRESS.postcode}`)),
      'the address is the hit',
    );

    // ----- The team member: weighing 4, to the municipal case meeting. -----
    await switchUser(page, 'team@tilburg.demo');
    await openSignal(page, id, 'bronnenonderzoek', 'signal page (team, weighing 4)');
    form = await openAction(page, 'weging-4-casusoverleg');
    await form.getByLabel('Motivering *', { exact: true }).fill('De hit bij handhaving bevestigt het signaal.');
    await takeStep(page, form, 'Weging 4: gemeentelijk casusoverleg', id, 'privacytoets-2a');

    // ----- The privacy officer: privacy check 2A, what may be shared with whom. -----
    await switchUser(page, 'privacy@tilburg.demo');
    await openSignal(page, id, 'privacytoets-2a', 'signal page (privacy officer, privacy check 2A)');
    form = await openAction(page, 'privacytoets-2a');
    await form.getByLabel('Deelnemers *', { exact: true }).fill('Openbare orde\nVergunningen, toezicht en handhaving');
    await form
      .getByLabel('Wat met wie gedeeld mag worden *', { exact: true })
      .fill('Openbare orde: signaal en hit/no-hit\nVergunningen, toezicht en handhaving: dossiernummers');
    await form.getByLabel('Grondslag *', { exact: true }).selectOption(BASIS);
    await takeStep(page, form, 'Privacytoets 2A: delen om te besluiten', id, 'casusoverleg');

    // ----- The team member: the case meeting decides the approach. -----
    await switchUser(page, 'team@tilburg.demo');
    await openSignal(page, id, 'casusoverleg', 'signal page (team, case meeting)');
    form = await openAction(page, 'besluit-aanpak');
    const deadline = isoDate(30);
    await form
      .getByLabel('Besluit *', { exact: true })
      .fill('Bestuurlijke controle van het pand door handhaving.');
    await form
      .getByLabel('Acties *', { exact: true })
      .fill(`Controle ter plaatse | Vergunningen, toezicht en handhaving | ${deadline}`);
    await takeStep(page, form, 'Besluit over de aanpak', id, 'privacytoets-2b');

    // The timeline has the eight steps, and the case meeting's record is shown.
    assert.equal(
      (await page.locator('.baken-badge').innerText()).trim(),
      'Stap 4 · Privacytoets 2B',
      'the state badge',
    );
    const steps = page.locator('ol.baken-timeline > li');
    assert.equal(await steps.count(), 8, 'eight steps in the timeline');
    const actions = await steps.locator('strong').allInnerTexts();
    assert.deepEqual(actions, [
      'Weging 1: wel ondermijning',
      'Weging 2A: gemeentelijke taak',
      'Weging 2B: eigen grondgebied',
      'Weging 3: bronnenonderzoek',
      'Privacytoets 1: bronnen goedkeuren',
      'Weging 4: gemeentelijk casusoverleg',
      'Privacytoets 2A: delen om te besluiten',
      'Besluit over de aanpak',
    ]);
    const meeting = page.locator('[data-case-meeting]');
    await expectVisible(meeting, 'the case meeting section');
    const meetingText = await meeting.innerText();
    assert.ok(meetingText.includes('Bestuurlijke controle van het pand door handhaving.'), meetingText);
    assert.ok(
      meetingText.includes(`Controle ter plaatse (Vergunningen, toezicht en handhaving, ${deadline})`),
      meetingText,
    );
    t.diagnostic(`signal ${reference}: 8 steps, now ${await page.locator('.baken-badge').innerText()}`);
  });
});
