#!/usr/bin/env node
// Differential test: fnseal's SPDX expression parser and license policy against the reference npm
// packages spdx-expression-parse and spdx-satisfies, on every expression of corpus.json.
//
//   node differential.js FNSEAL [--print-unlisted]
//
// For each expression it compares (1) validity, (2) for expressions both accept, the tree (AND and
// OR flattened, since both are associative), and (3) for a few allow lists, spdx-satisfies'
// answer on our normalized text with `fnseal license check` under a policy that allows exactly that list. Every
// disagreement must be listed in known-differences.json with a reason; the test fails on an
// unlisted disagreement and on a listed one that no longer occurs.
'use strict';

const { execFile } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const modules = path.resolve(__dirname, '../../tools/licenses/node_modules');
const parse = require(path.join(modules, 'spdx-expression-parse'));
const satisfies = require(path.join(modules, 'spdx-satisfies'));

const [fnseal, ...flags] = process.argv.slice(2);
if (!fnseal) {
  console.error('usage: differential.js FNSEAL [--print-unlisted]');
  process.exit(2);
}
const printUnlisted = flags.includes('--print-unlisted');

// Allow lists for satisfies(); each becomes a policy {"version": 1, "allow": [...]}.
const allowLists = {
  permissive: ['MIT', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', '0BSD', 'Zlib', 'CC0-1.0'],
  gpl: ['GPL-2.0-or-later', 'LGPL-2.1-only', 'MIT', 'Apache-2.0 WITH LLVM-exception'],
  ranges: ['GPL-3.0-only', 'LGPL-3.0-or-later', 'MPL-2.0', 'Apache-1.1+', 'CC-BY-3.0', 'LicenseRef-acme'],
};

const corpus = JSON.parse(fs.readFileSync(path.join(__dirname, 'corpus.json'), 'utf8'));
const known = JSON.parse(fs.readFileSync(path.join(__dirname, 'known-differences.json'), 'utf8'));

// The reference tree in our shape: leaves {license, plus?, exception?}, AND/OR flattened.
function reference(node) {
  if (node.conjunction) {
    const type = node.conjunction;
    const operands = [];
    for (const side of [node.left, node.right]) {
      const r = reference(side);
      if (r.type === type) operands.push(...r.operands); else operands.push(r);
    }
    return { type, operands };
  }
  const leaf = { license: node.license };
  if (node.plus) leaf.plus = true;
  if (node.exception) leaf.exception = node.exception;
  return leaf;
}
function ours(node) {
  if (node.type === 'and' || node.type === 'or') return { type: node.type, operands: node.operands.map(ours) };
  if (node.type === 'none' || node.type === 'noassertion') return { license: node.type.toUpperCase() };
  const leaf = { license: node.license };
  if (node.plus) leaf.plus = true;
  if (node.exception) leaf.exception = node.exception;
  return leaf;
}

function run(args) {
  return new Promise((resolve, reject) => {
    execFile(fnseal, args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

// spdx-satisfies expands an expression into all its AND-combinations, which is exponential
// ("(A OR B) AND (C OR D) AND ..."); expressions with more than this many are not given to it.
const kMaxCombinations = 256;
function combinations(node) {
  if (!node.type) return 1;
  const counts = node.operands.map(combinations);
  return node.type === 'or' ? counts.reduce((a, b) => a + b, 0) : counts.reduce((a, b) => a * b, 1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fnseal-licenses-'));
const policies = {};
for (const [name, list] of Object.entries(allowLists)) {
  policies[name] = path.join(work, name + '.json');
  fs.writeFileSync(policies[name], JSON.stringify({ version: 1, allow: list }));
}

const found = [];  // {check, expression, ours, reference}
let checks = 0;
let skipped = 0;
async function compare(expression) {
  let ref;
  try {
    ref = { valid: true, tree: reference(parse(expression)) };
  } catch (e) {
    ref = { valid: false, error: e.message };
  }
  const p = await run(['license', 'parse', '--json', expression]);
  const mine = JSON.parse(p.stdout);
  if ((p.code === 0) !== mine.valid || (p.code !== 0 && p.code !== 1)) {
    throw new Error(`fnseal license parse exited ${p.code} for ${JSON.stringify(expression)}`);
  }
  checks++;
  if (mine.valid !== ref.valid) {
    found.push({ check: 'parse', expression, ours: mine.valid ? mine.normalized : mine.error,
                 reference: ref.valid ? 'valid' : ref.error });
    return;
  }
  if (!mine.valid) return;
  checks++;
  const a = JSON.stringify(ours(mine.tree));
  const b = JSON.stringify(ref.tree);
  if (a !== b) found.push({ check: 'structure', expression, ours: a, reference: b });
  if (combinations(ref.tree) > kMaxCombinations) {
    skipped++;
    return;
  }

  for (const [name, list] of Object.entries(allowLists)) {
    checks++;
    let expected;
    try {
      // The normalized text, so that this compares policy semantics only: spdx-satisfies bundles
      // an older spdx-expression-parse (3.0.1) whose syntax differs from 5.0.0's (checked above).
      expected = satisfies(mine.normalized, list) ? 'allowed' : 'denied';
    } catch (e) {
      expected = 'error: ' + e.message;
    }
    const c = await run(['license', 'check', '--json', '--policy', policies[name], expression]);
    if (c.code !== 0 && c.code !== 3) throw new Error(`fnseal license check exited ${c.code}: ${c.stderr}`);
    const got = c.code === 0 ? 'allowed' : 'denied';
    if (got !== expected) {
      found.push({ check: 'satisfies ' + name, expression, ours: got + ': ' + JSON.parse(c.stdout).explanation,
                   reference: expected });
    }
  }
}

async function main() {
  // Two at a time: the machines have two cores.
  let next = 0;
  const worker = async () => {
    while (next < corpus.length) await compare(corpus[next++]);
  };
  await Promise.all([worker(), worker()]);
  fs.rmSync(work, { recursive: true, force: true });
  report();
}

function report() {

const key = (d) => d.check + '\u0000' + d.expression;
const listed = new Map();
let bad = 0;
for (const d of known.differences) {
  if (!known.reasons[d.reason]) {
    console.error(`known-differences.json: ${JSON.stringify(d.expression)} names the unknown reason '${d.reason}'`);
    bad++;
  }
  if (listed.has(key(d))) {
    console.error(`known-differences.json: ${d.check} of ${JSON.stringify(d.expression)} is listed twice`);
    bad++;
  }
  listed.set(key(d), d);
}
const occurred = new Set(found.map(key));
const unlisted = found.filter((d) => !listed.has(key(d)));
const stale = known.differences.filter((d) => !occurred.has(key(d)));
for (const d of unlisted) {
  console.error(`UNLISTED ${d.check}: ${JSON.stringify(d.expression)}\n  fnseal:    ${d.ours}\n  reference: ${d.reference}`);
}
for (const d of stale) {
  console.error(`STALE (no longer differs) ${d.check}: ${JSON.stringify(d.expression)} (reason '${d.reason}')`);
}
if (printUnlisted) {
  for (const d of unlisted) console.log(JSON.stringify({ check: d.check, expression: d.expression, reason: '?' }));
}
const byReason = {};
for (const d of found) {
  const r = listed.has(key(d)) ? listed.get(key(d)).reason : 'UNLISTED';
  byReason[r] = (byReason[r] || 0) + 1;
}
console.log(`licenses: ${corpus.length} expressions, ${checks} checks, ${found.length} differences ` +
            `(${found.length - unlisted.length} known, ${unlisted.length} unlisted), ${stale.length} stale`);
for (const [r, n] of Object.entries(byReason).sort()) console.log(`  ${String(n).padStart(4)}  ${r}`);
if (skipped > 0) console.log(`  (${skipped} expressions too large for spdx-satisfies were not given to it)`);
process.exit(unlisted.length + stale.length + bad === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
