// Browser test of Across the border (/grens): a reader searches the NL–BE–DE glossary and
// switches the interface to German and back; a regisseur registers a case NL → DE, is first
// refused a letter with required fields empty (the error summary names them, nothing is
// downloaded), then produces the letter to the German authority as a PDF in German, which is
// listed on the case; an administrator previews the German template and is refused a template
// that reaches outside the sandbox. axe runs on every page visited, the 422 pages included.

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

/** The letter to a German authority under test (data/crossborder/brieven.toml). */
const TEMPLATE = 'de-gewerberegister-uittreksel';

/** Its Dutch name, as the case page's link names it. */
const TEMPLATE_NAME = 'Verzoek om een uittreksel uit het Gewerberegister';

/**
 * The letter's fields the test fills, by their exact Dutch labels (nl/main.ftl `grens-field-*`;
 * a required field's label ends in " *"). The sender's organisation and both countries are
 * prefilled by Baken. The first group is filled before the first submit; the second is left
 * empty then, and must be named by the error summary, in the template's order.
 */
const FILLED_FIRST = {
  'Ons kenmerk *': 'BRE-2026-E2E-1',
  'Afzender: contactpersoon *': 'J. Jansen',
  'Afzender: functie *': 'Coördinator bestuurlijke aanpak',
  'Ontvanger: instantie *': 'Stadt Aachen, Ordnungsamt',
  'Betreft: naam (bedrijf of persoon) *': 'Beispiel Handels GmbH',
  'Wat wordt gevraagd *': 'Ein Auszug aus dem Gewerberegister mit allen An-, Um- und Abmeldungen seit 2020.',
};
const FILLED_SECOND = {
  'Doel *': 'Prüfung eines Antrags auf eine Betriebsgenehmigung (Bibob-Verfahren).',
  'Grondslag van de afzender *': 'Wet Bibob, Art. 7 Abs. 2 und Art. 9.',
  'Gerechtvaardigd belang *': 'Die Gemeinde muss prüfen, ob die Genehmigung missbraucht werden könnte.',
  'Bewaartermijn *': 'Höchstens zwei Jahre nach der Entscheidung über den Antrag.',
};

/** Waits for a navigation to a URL matching `test` started by `action`, then checks a11y. */
async function navigate(page, test, action, label) {
  await Promise.all([page.waitForURL(test), action()]);
  await page.waitForLoadState('load');
  await checkA11y(page, label);
}

/** Submits with the button `name` and returns the response to the POST to `pathname`. */
async function submit(page, pathname, name) {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === pathname,
    ),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  return response;
}

/** Fills text fields by their exact labels. */
async function fillByLabel(scope, fields) {
  for (const [label, value] of Object.entries(fields)) {
    await scope.getByLabel(label, { exact: true }).fill(value);
  }
}

describe('Baken: across the border', () => {
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

  it('searches the glossary across languages and switches the interface to German and back', async (t) => {
    await loginAs(page, 'lezer@tilburg.demo');
    await visit(page, '/grens', 'cross-border overview');
    await expectVisible(page.getByRole('heading', { level: 1 }), 'the overview heading');

    await navigate(
      page,
      (url) => url.pathname === '/grens/begrippen',
      () => page.getByRole('link', { name: 'Begrippenlijst NL–BE–DE', exact: true }).click(),
      'glossary',
    );
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Begrippenlijst NL–BE–DE', exact: true }));
    const total = Number(await page.locator('[data-count]').getAttribute('data-count'));
    assert.ok(total > 1, `the glossary lists its terms (found ${total})`);

    // A German spelling without the umlaut finds the Dutch term.
    await page.getByLabel('Zoeken', { exact: true }).fill('burgermeister');
    await navigate(
      page,
      (url) => url.pathname === '/grens/begrippen' && url.searchParams.get('q') === 'burgermeister',
      () => page.getByRole('button', { name: 'Zoeken', exact: true }).click(),
      'glossary searched for "burgermeister"',
    );
    const term = page.locator('[data-term="burgemeester"]');
    await expectVisible(term, 'the term burgemeester');
    const termText = await term.innerText();
    assert.ok(termText.includes('DE: Bürgermeister'), `the German name is shown: ${termText}`);
    assert.equal(
      await page.locator('[data-term]').first().getAttribute('data-term'),
      'burgemeester',
      'burgemeester is the best match',
    );
    t.diagnostic(`"burgermeister": ${await page.locator('[data-term]').count()} of ${total} terms`);

    // The header switch offers German on the cross-border pages.
    const german = page.getByRole('link', { name: 'DE – Deutsch', exact: true });
    assert.equal(await german.getAttribute('hreflang'), 'de');
    await navigate(
      page,
      (url) => url.pathname === '/grens/begrippen',
      () => german.click(),
      'glossary in German',
    );
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    await expectVisible(
      page.getByRole('heading', { level: 1, name: 'Begriffsliste NL–BE–DE', exact: true }),
      'the German heading',
    );
    assert.equal(await page.getByRole('link', { name: 'DE – Deutsch', exact: true }).getAttribute('aria-current'), 'true');

    // And back to Dutch.
    const dutch = page.getByRole('link', { name: 'NL – Nederlands', exact: true });
    assert.equal(await dutch.getAttribute('hreflang'), 'nl');
    await navigate(
      page,
      (url) => url.pathname === '/grens/begrippen',
      () => dutch.click(),
      'glossary back in Dutch',
    );
    assert.equal(await page.locator('html').getAttribute('lang'), 'nl');
    await expectVisible(
      page.getByRole('heading', { level: 1, name: 'Begrippenlijst NL–BE–DE', exact: true }),
      'the Dutch heading again',
    );
  });

  it('registers a case NL → DE and produces the letter to the German authority as a PDF', async (t) => {
    await loginAs(page, 'regisseur@breda.demo');
    const org = (await page.locator('.baken-header__org').innerText()).trim();

    // The register: the demo's case with Belgium, and the form for a new case.
    await visit(page, '/grens/casussen', 'case register');
    const casesBefore = await page.locator('tr[data-case]').count();
    assert.ok(casesBefore >= 1, `the demo has a cross-border case (found ${casesBefore})`);

    await page.getByLabel('Land van de verzoeker', { exact: true }).selectOption('NL');
    await page.getByLabel('Land van de aangezochte', { exact: true }).selectOption('DE');
    await page.getByLabel('Verzoekende instantie', { exact: true }).fill('Gemeente Breda');
    await page.getByLabel('Aangezochte instantie', { exact: true }).fill('Stadt Aachen, Ordnungsamt');
    const casePath = /^\/grens\/casussen\/(\d+)$/;
    await navigate(
      page,
      (url) => casePath.test(url.pathname),
      () => page.getByRole('button', { name: 'Casus vastleggen', exact: true }).click(),
      'new case page',
    );
    const id = casePath.exec(new URL(page.url()).pathname)[1];
    t.diagnostic(`case ${id}`);
    await expectVisible(page.getByRole('heading', { level: 1, name: `Casus #${id}`, exact: true }));
    const facts = await page.locator('dl.baken-facts').innerText();
    assert.ok(facts.includes('Gemeente Breda (NL)'), `the requesting authority: ${facts}`);
    assert.ok(facts.includes('Stadt Aachen, Ordnungsamt (DE)'), `the requested authority: ${facts}`);
    await expectVisible(page.getByText('Nog geen brieven bij deze casus.', { exact: true }), 'no letters yet');

    // The case offers the letter to the German trade register, filled for this case.
    const link = page.getByRole('link', { name: `Brief opstellen: ${TEMPLATE_NAME}`, exact: true });
    assert.equal(await link.getAttribute('href'), `/grens/brieven?sjabloon=${TEMPLATE}&casus=${id}`);
    await navigate(
      page,
      (url) =>
        url.pathname === '/grens/brieven' &&
        url.searchParams.get('sjabloon') === TEMPLATE &&
        url.searchParams.get('casus') === id,
      () => link.click(),
      'letter form for the case',
    );
    const form = page.locator('form[action="/grens/brieven"]');
    assert.equal(await form.getByLabel('Brief', { exact: true }).inputValue(), TEMPLATE);
    assert.equal(await form.getByLabel('Taal van de brief', { exact: true }).inputValue(), 'de');
    assert.equal(await form.getByLabel('Casus', { exact: true }).inputValue(), id);
    assert.equal(await form.getByLabel('Afzender: organisatie *', { exact: true }).inputValue(), org);
    assert.equal(await form.getByLabel('Land van de afzender (NL of BE) *', { exact: true }).inputValue(), 'NL');
    assert.equal(await form.getByLabel('Land van de ontvanger (NL, BE of DE) *', { exact: true }).inputValue(), 'DE');

    // No download may happen while the letter is refused.
    const downloads = [];
    page.on('download', (d) => downloads.push(d));

    // Submitted with required fields empty: refused, and the missing fields are named.
    await fillByLabel(form, FILLED_FIRST);
    const refused = await submit(page, '/grens/brieven', 'Brief maken (PDF)');
    assert.equal(refused.status(), 422, 'a letter with required fields empty is refused');
    assert.equal(refused.headers()['content-disposition'], undefined, 'the refusal is no download');
    await page.waitForLoadState('load');
    await checkA11y(page, 'letter form refused (422)');
    const summary = page.locator('[data-error-summary]');
    await expectVisible(summary, 'the error summary');
    assert.ok(
      (await summary.innerText()).includes('Er is nog geen brief gemaakt. Deze verplichte velden ontbreken:'),
      await summary.innerText(),
    );
    const missing = (await summary.locator('li[data-missing]').allInnerTexts()).map((s) => s.trim());
    assert.deepEqual(
      missing,
      Object.keys(FILLED_SECOND).map((label) => label.replace(/ \*$/, '')),
      'the error summary names exactly the empty required fields',
    );
    assert.equal(downloads.length, 0, 'nothing was downloaded');

    // The form keeps what was given: template, language, case and the values filled.
    assert.equal(await form.getByLabel('Brief', { exact: true }).inputValue(), TEMPLATE);
    assert.equal(await form.getByLabel('Taal van de brief', { exact: true }).inputValue(), 'de');
    assert.equal(await form.getByLabel('Casus', { exact: true }).inputValue(), id);
    for (const [label, value] of Object.entries(FILLED_FIRST)) {
      assert.equal(await form.getByLabel(label, { exact: true }).inputValue(), value, `${label} is kept`);
    }

    // Every required field filled, in German: the letter comes as a PDF download.
    await fillByLabel(form, FILLED_SECOND);
    const required = await form
      .locator('label.utrecht-form-label')
      .evaluateAll((ls) => ls.map((l) => l.textContent.trim()).filter((s) => s.endsWith(' *')));
    for (const label of required) {
      const value = await form.getByLabel(label, { exact: true }).inputValue();
      assert.ok(value.trim() !== '', `required field ${label} is filled`);
    }
    assert.equal(required.length, 13, `the letter's required fields: ${JSON.stringify(required)}`);
    const [download, produced] = await Promise.all([
      page.waitForEvent('download'),
      submit(page, '/grens/brieven', 'Brief maken (PDF)'),
    ]);
    assert.equal(produced.status(), 200);
    assert.equal(produced.headers()['content-type'], 'application/pdf');
    assert.match(produced.headers()['content-disposition'] ?? '', /^attachment; filename="[^"]+\.pdf"$/);
    const name = download.suggestedFilename();
    assert.ok(name.endsWith('-de.pdf'), `the file is named for its language: ${name}`);
    assert.equal(name, `brief-${TEMPLATE}-${id}-de.pdf`);
    const chunks = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk);
    const pdf = Buffer.concat(chunks);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the letter is a PDF');
    assert.equal(downloads.length, 1, 'exactly one download');
    t.diagnostic(`PDF ${name}: ${pdf.length} bytes`);

    // The letter is recorded on the case.
    await visit(page, `/grens/casussen/${id}`, 'case page with the letter');
    const letter = page.locator(`[data-letter="${TEMPLATE}"]`);
    assert.equal(await letter.count(), 1, 'the letter is listed on the case');
    const letterText = await letter.innerText();
    assert.ok(letterText.includes(`${TEMPLATE} (de) → Stadt Aachen, Ordnungsamt`), letterText);
    t.diagnostic(`on the case: ${letterText}`);
  });

  it("previews the German template and refuses one that reaches outside the sandbox", async () => {
    await loginAs(page, 'beheerder@breda.demo');
    const templatePath = `/grens/brieven/${TEMPLATE}/sjabloon`;
    await visit(page, `${templatePath}?taal=de`, 'template editor (de)');
    const preview = page.locator('[data-preview]');
    assert.ok(
      (await preview.innerText()).includes('Sehr geehrte'),
      'the preview is the German letter with sample values',
    );
    assert.equal(await preview.getAttribute('lang'), 'de');
    assert.equal(await page.getByRole('link', { name: 'Duits', exact: true }).getAttribute('aria-current'), 'page');

    await page.getByLabel('Tekst van het sjabloon (de)', { exact: true }).fill('{{ env.HOME }}');
    const response = await submit(page, templatePath, 'Voorbeeld');
    assert.equal(response.status(), 422, 'a template reading the environment is refused');
    await page.waitForLoadState('load');
    await checkA11y(page, 'template editor refused (422)');
    const summary = page.locator('[data-error-summary]');
    await expectVisible(summary, 'the error summary');
    const why = await summary.innerText();
    assert.ok(why.includes('Het sjabloon werkt niet en is niet opgeslagen'), why);
    assert.equal((await preview.innerText()).trim(), '', 'nothing is previewed');
    assert.equal(await page.getByLabel('Tekst van het sjabloon (de)', { exact: true }).inputValue(), '{{ env.HOME }}');
  });
});
