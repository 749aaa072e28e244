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
// unlisted disagreement and on a listed one that no longer occurs. fnseal runs in batch mode
// (`parse --batch`, then one `check --batch` per allow list), so the corpus costs four processes.
'use strict';

const { spawn } = require('child_process');
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

// Runs `fnseal ARGS --batch` on `inputs` (one JSON string per line) and returns one parsed result
// per input, checking that each answers the input it was given.
function batch(args, inputs) {
  return new Promise((resolve, reject) => {
    const child = spawn(fnseal, [...args, '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) return reject(new Error(`fnseal ${args.join(' ')} --batch exited ${code}: ${stderr}`));
      const lines = Buffer.concat(out).toString('utf8').split('\n');
      if (lines.pop() !== '') return reject(new Error(`fnseal ${args.join(' ')} --batch: output does not end in a newline`));
      if (lines.length !== inputs.length) {
        return reject(new Error(`fnseal ${args.join(' ')} --batch answered ${lines.length} of ${inputs.length} lines`));
      }
      const results = lines.map((line) => JSON.parse(line));
      for (let i = 0; i < inputs.length; i++) {
        if (results[i].input !== inputs[i]) {
          return reject(new Error(`fnseal ${args.join(' ')} --batch line ${i + 1}: ${lines[i]}`));
        }
      }
      resolve(results);
    });
    child.stdin.end(inputs.map((e) => JSON.stringify(e) + '\n').join(''));
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
// Compares parse results and returns the normalized expressions to give to `check`.
function compareParse(expression, mine) {
  let ref;
  try {
    ref = { valid: true, tree: reference(parse(expression)) };
  } catch (e) {
    ref = { valid: false, error: e.message };
  }
  if (typeof mine.valid !== 'boolean' || mine.valid !== ('normalized' in mine) || mine.valid === ('error' in mine)) {
    throw new Error(`fnseal license parse --batch gave ${JSON.stringify(mine)} for ${JSON.stringify(expression)}`);
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
  satisfiable.push({ expression, normalized: mine.normalized });
}

// Compares one `check` verdict under allow list `name` with spdx-satisfies.
function compareCheck(name, { expression, normalized }, c) {
  checks++;
  let expected;
  try {
    // The normalized text, so that this compares policy semantics only: spdx-satisfies bundles
    // an older spdx-expression-parse (3.0.1) whose syntax differs from 5.0.0's (checked above).
    expected = satisfies(normalized, allowLists[name]) ? 'allowed' : 'denied';
  } catch (e) {
    expected = 'error: ' + e.message;
  }
  if (typeof c.allowed !== 'boolean') throw new Error(`fnseal license check --batch: ${JSON.stringify(c)}`);
  const got = c.allowed ? 'allowed' : 'denied';
  if (got !== expected) {
    found.push({ check: 'satisfies ' + name, expression, ours: got + ': ' + c.explanation, reference: expected });
  }
}

const satisfiable = [];  // {expression, normalized}: valid for both, small enough for spdx-satisfies

async function main() {
  const parsed = await batch(['license', 'parse'], corpus);
  corpus.forEach((expression, i) => compareParse(expression, parsed[i]));
  // The allow lists two at a time: the machines have two cores.
  const names = Object.keys(allowLists);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      const verdicts = await batch(['license', 'check', '--policy', policies[name]], satisfiable.map((s) => s.expression));
      satisfiable.forEach((s, i) => compareCheck(name, s, verdicts[i]));
    }
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
