// Opens fnseal's audit report in Debian's Chromium (headless, through playwright-core), checks
// that it renders - every section present, the provenance chain drawn with seven visible steps -
// and that it fetched nothing, then prints its numbers as JSON for run.sh to compare with the
// store, and writes a screenshot of the whole page.
// Usage: node report_check.mjs REPORT.html SCREENSHOT.png
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

const [report, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const url = pathToFileURL(report).href;
  page.on("request", (r) => { if (r.url() !== url) failures.push(`the page fetched ${r.url()}`); });
  page.on("console", (m) => { if (m.type() === "error") failures.push(`console error: ${m.text()}`); });
  await page.goto(url, { waitUntil: "load" });
  const facts = await page.evaluate(() => {
    const metrics = {};
    for (const e of document.querySelectorAll("[data-metric]")) metrics[e.dataset.metric] = e.textContent.trim();
    const tables = {};
    for (const t of document.querySelectorAll("table[data-table]")) tables[t.dataset.table] = Number(t.dataset.rows);
    const chain = document.querySelector("svg#chain");
    const box = chain ? chain.getBoundingClientRect() : null;
    const steps = [...document.querySelectorAll("svg#chain g[data-step]")].map((g) => {
      const r = g.getBoundingClientRect();
      return { step: g.dataset.step, width: r.width, height: r.height };
    });
    const chainBundle = document.querySelector("[data-chain-bundle]");
    return {
      title: document.title,
      metrics,
      tables,
      chain: box ? { width: box.width, height: box.height } : null,
      steps,
      chainBundle: chainBundle ? chainBundle.textContent.trim() : null,
      sections: [...document.querySelectorAll("h2")].map((h) => h.id),
    };
  });
  if (!facts.chain || facts.chain.width < 100 || facts.chain.height < 100) failures.push("the chain is not drawn");
  if (facts.steps.length !== 7 || facts.steps.some((s) => s.width <= 0 || s.height <= 0)) {
    failures.push(`the chain has ${facts.steps.length} visible steps, want 7`);
  }
  for (const id of ["functions", "licenses", "models", "signers", "refused", "chain"]) {
    if (!facts.sections.includes(id)) failures.push(`section ${id} is missing`);
  }
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ ...facts, failures }));
} finally {
  await browser.close();
}
process.exit(failures.length ? 1 : 0);
