// Runs one browser scenario against a live master in Debian's headless Chromium:
//   node run.mjs <scenario>
// The farm is described by WARREN_* variables (see scenarios.mjs). On failure the page is saved
// as a screenshot in WARREN_UI_ARTIFACTS and the process exits 1.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { TIMEZONE, scenarios } from './scenarios.mjs';

const name = process.argv[2];
const scenario = scenarios[name];
if (!scenario) {
  console.error(`unknown scenario \`${name}\`; known: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}

const artifacts = process.env.WARREN_UI_ARTIFACTS || 'ui-artifacts';
const browser = await chromium.launch({
  executablePath: process.env.WARREN_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const context = await browser.newContext({
  viewport: { width: 1280, height: 800 },
  timezoneId: TIMEZONE,
  locale: 'en-GB',
});
const page = await context.newPage();
page.setDefaultTimeout(30_000);
const consoleLines = [];
page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
page.on('pageerror', (error) => consoleLines.push(`page error: ${error.message}`));

let failed = false;
try {
  await scenario(page);
  console.log(`scenario ${name}: passed`);
} catch (error) {
  failed = true;
  console.error(`scenario ${name} failed: ${error.stack || error}`);
  mkdirSync(artifacts, { recursive: true });
  const shot = join(artifacts, `${name}.png`);
  await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
  console.error(`screenshot: ${shot}`);
  console.error(`page URL: ${page.url()}`);
  console.error(`browser console:\n${consoleLines.join('\n')}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
