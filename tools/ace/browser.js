// The web edition in Debian's Chromium, for the tests (tests/test_web.py), driven by puppeteer-core:
//   node tools/ace/browser.js axe DIR              axe-core on every page of DIR: {page: [violations]} as JSON
//   node tools/ace/browser.js eval URL EXPRESSION  the value of an async EXPRESSION run in the page, as JSON
//   node tools/ace/browser.js shot URL PNG WIDTH [dark] [EXPRESSION]
//                                                  a screenshot of the window, WIDTH px wide, in the light or dark
//                                                  scheme, after running EXPRESSION (scroll, focus)
// Pages are opened from file://, as a reader who unzipped the site would; nothing is fetched from the network.
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const AXE = require.resolve('axe-core/axe.min.js');

async function browser() {
  return puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    protocolTimeout: 120000, timeout: 120000,
  });
}

async function open(chrome, url) {
  const page = await chrome.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('requestfailed', (request) => errors.push(`failed: ${request.url()} ${(request.failure() || {}).errorText}`));
  await page.goto(url, { waitUntil: 'load' });
  // What failed while the page loaded; axe's own later requests (it re-reads stylesheets, which file:// refuses
  // to a script) are not the page's.
  return { page, errors: [...errors] };
}

async function axe(dir) {
  const chrome = await browser();
  const found = {};
  try {
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.html')).sort()) {
      const { page, errors } = await open(chrome, 'file://' + path.resolve(dir, name));
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(async () => {
        const run = await window.axe.run(document);
        return run.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => n.target.join(' ')) }));
      });
      found[name] = [...result, ...errors.map((e) => ({ id: 'page-error', help: e, nodes: [] }))];
      await page.close();
    }
  } finally {
    await chrome.close();
  }
  return found;
}

async function evaluate(url, expression) {
  const chrome = await browser();
  try {
    const { page, errors } = await open(chrome, url);
    const value = await page.evaluate(`(async () => { ${expression} })()`);
    return { value, errors };
  } finally {
    await chrome.close();
  }
}

async function shot(url, png, width, scheme, expression) {
  const chrome = await browser();
  try {
    const page = await chrome.newPage();
    await page.setViewport({ width: Number(width), height: 900 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme === 'dark' ? 'dark' : 'light' }]);
    await page.goto(url, { waitUntil: 'load' });
    if (expression) await page.evaluate(`(async () => { ${expression} })()`);
    await page.screenshot({ path: png });
    return { value: png };
  } finally {
    await chrome.close();
  }
}

(async () => {
  const [command, ...args] = process.argv.slice(2);
  const commands = { axe, eval: evaluate, shot };
  const result = await commands[command](...args);
  process.stdout.write(JSON.stringify(result));
})().catch((error) => { console.error(error); process.exit(1); });
