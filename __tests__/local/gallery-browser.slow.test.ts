/**
 * The gallery in a real browser: Debian's chromium driven by playwright-core (`.ci/run` installs
 * it with apt), against `npm run serve`'s system. A photo and a hostile file go through the page
 * to S3; the photo reaches SUCCEEDED with its thumbnail and renditions, the hostile one FAILED
 * with its code and sentence. The page is kept as a screenshot under .build/test-output/. An
 * album is reprocessed from the page with the keyboard alone, and the worker carries it out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startServe, type Serving } from '../../local/serve';

const ROOT = join(__dirname, '..', '..');
export const SCREENSHOT = join(ROOT, '.build', 'test-output', 'gallery-browser', 'gallery.png');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let serving: Serving;
let context: BrowserContext;
let scratch: string;

beforeAll(async () => {
  serving = await startServe({ port: 0 });
  scratch = mkdtempSync(join(tmpdir(), 'gallery-browser-'));
  context = await chromium.launchPersistentContext(join(scratch, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await serving?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

it('uploads a photo and a hostile file through the page and shows each verdict', async () => {
  const hostile = join(scratch, 'not-a-photo.jpg');
  writeFileSync(hostile, '<html><script>alert(1)</script></html>\n');
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(`${serving.url}/`);
  await page.getByLabel('API token').fill(serving.token);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByRole('status').filter({ hasText: /0 images/ }).waitFor();
  await page.locator('#files').setInputFiles([join(ROOT, 'samples', 'landscape.jpg'), hostile]);

  const photo = page.locator('li.card', { hasText: 'landscape.jpg' });
  const rejected = page.locator('li.card', { hasText: 'not-a-photo.jpg' });
  await photo.locator('.badge', { hasText: 'SUCCEEDED' }).waitFor({ timeout: 90_000 });
  await rejected.locator('.badge', { hasText: 'FAILED' }).waitFor({ timeout: 90_000 });

  const thumbnail = photo.locator('img.thumb');
  await thumbnail.waitFor();
  await page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0, await thumbnail.elementHandle());
  expect(await thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(320);
  await photo.getByText(/Compare 7 renditions/).click();
  expect(await photo.locator('table tbody tr').count()).toBe(7);
  expect(await photo.locator('ol.states li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^ValidateImage/), expect.stringMatching(/^NotifySuccess/)]));
  expect(await rejected.locator('.error').textContent()).toMatch(/^UNSUPPORTED_FORMAT: Expected .+, but /);

  mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(problems).toEqual([]);
}, 180_000);

it('reprocesses an album from its labelled field with the keyboard, and the worker takes the batch', async () => {
  const page = await context.newPage();
  await page.goto(`${serving.url}/`);
  await page.getByLabel('API token').fill(serving.token);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByRole('status').filter({ hasText: /images?\./ }).waitFor();
  await page.getByLabel('Album (optional)').fill('Browser album');
  await page.locator('#files').setInputFiles([join(ROOT, 'samples', 'landscape.jpg')]);
  const photo = page.locator('li.card', { hasText: 'Browser album' });
  await photo.locator('.badge', { hasText: 'SUCCEEDED' }).waitFor({ timeout: 90_000 });

  // Typed and submitted from the keyboard: the field's label names it, Enter sends the form.
  await page.getByLabel('Album to reprocess').focus();
  await page.keyboard.type('Browser album');
  await page.keyboard.press('Enter');
  const status = page.getByRole('status').filter({ hasText: /queued for reprocessing/ });
  await status.waitFor();
  const text = (await status.textContent()) ?? '';
  expect(text).toMatch(/^Browser album: 1 image queued for reprocessing \(batch [0-9a-f-]{36}\)\.$/);
  const batchId = /batch ([0-9a-f-]{36})/.exec(text)![1]!;
  const uploadId = (await photo.getAttribute('data-upload-id'))!;
  const jobId = serving.system.executionFor({ bucket: serving.rawBucket, key: `${serving.uploadsPrefix}local/${uploadId}/landscape.jpg` })!.name;
  const deadline = Date.now() + 90_000;
  while (!(await serving.system.readJob(jobId))?.reprocessBatches?.includes(batchId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  expect((await serving.system.readJob(jobId))?.reprocessBatches).toContain(batchId);

  await page.getByLabel('Album to reprocess').fill('No such album');
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: /^No such album: NOT_FOUND: Expected an album of yours/ }).waitFor();
}, 180_000);
