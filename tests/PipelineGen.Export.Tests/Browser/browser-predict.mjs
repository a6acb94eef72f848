// Drives Debian's headless Chromium through playwright-core for BrowserPredictionTests:
//   node browser-predict.mjs <page url> <job.json> <result.json>
// job.json: { rows: [ {column: value} ], formRow: {column: value}, leaveEmpty: "column", userDataDir: "..." }
// Writes result.json: { predictions (predictRows on every row), batchMissing (predictRows given a row without the
// leaveEmpty column), formMissing (the page's message and data-missing for
// the form submitted with one field empty), formPrediction (the page's JSON for the complete form row), requests, console }.
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [url, jobPath, resultPath] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobPath, 'utf8'));

const context = await chromium.launchPersistentContext(job.userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const result = { requests: [], console: [] };
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on('request', r => result.requests.push(r.url()));
  page.on('console', m => result.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', e => result.console.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
  const ready = await page.getAttribute('body', 'data-ready');
  if (ready !== 'true') throw new Error(`the page did not load its model: ${await page.textContent('#error')}`);

  // (a) The batch API the page's module exports, on every held-out row.
  result.predictions = await page.evaluate(async rows => {
    const module = await import(new URL('pipeline-model.js', location.href).href);
    return module.predictRows(rows);
  }, job.rows);

  // The batch API given a row without one column: an error naming the row and the column, no prediction.
  result.batchMissing = await page.evaluate(async ([row, skip]) => {
    const module = await import(new URL('pipeline-model.js', location.href).href);
    const partial = { ...row };
    delete partial[skip];
    try {
      return { predictions: await module.predictRows([row, partial]) };
    } catch (e) {
      return { name: e.name, message: e.message, fields: e.fields, row: e.row };
    }
  }, [job.formRow, job.leaveEmpty]);

  // Fill the form the page built from model.json with one row.
  const fill = async (row, skip) => {
    for (const [name, value] of Object.entries(row)) {
      const control = page.locator(`[name="${name}"]`);
      const tag = await control.evaluate(e => e.tagName);
      const text = name === skip || value === null ? '' : String(value);
      if (tag === 'SELECT') await control.selectOption(text);
      else await control.fill(text);
    }
  };

  // (b) The form with one field left empty: no prediction, the field named.
  await fill(job.formRow, job.leaveEmpty);
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.getElementById('error').textContent.length > 0, null, { timeout: 30_000 });
  result.formMissing = {
    message: await page.textContent('#error'),
    missing: await page.getAttribute('#error', 'data-missing'),
    invalid: await page.locator('[aria-invalid="true"]').evaluateAll(es => es.map(e => e.name)),
    predictionShown: await page.locator('#prediction-json').count() > 0,
  };

  // The complete form: the prediction as the page shows it.
  await fill(job.formRow, null);
  await page.click('button[type=submit]');
  await page.waitForSelector('#prediction-json', { timeout: 30_000 });
  result.formPrediction = JSON.parse(await page.textContent('#prediction-json'));
  result.formText = await page.textContent('#result table');
} catch (e) {
  result.error = String(e && e.stack || e);
} finally {
  await context.close();
}
writeFileSync(resultPath, JSON.stringify(result));
process.exit(result.error ? 1 : 0);
