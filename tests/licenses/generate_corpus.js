#!/usr/bin/env node
// Generates corpus.json, the license expressions of the differential test (run.sh): valid and
// invalid, nested, case variants, exceptions, LicenseRef/DocumentRef/AdditionRef, "+", deprecated
// ids and whitespace variants. Deterministic (fixed seed): regenerate only on purpose, after a
// change here or to the pinned packages, with
//
//   tools/licenses/install.sh && node tests/licenses/generate_corpus.js
//
// and review the diff of corpus.json and of the differences run.sh then reports.
'use strict';

const fs = require('fs');
const path = require('path');

const modules = path.resolve(__dirname, '../../tools/licenses/node_modules');
const ids = require(path.join(modules, 'spdx-license-ids/index.json'));
const deprecated = require(path.join(modules, 'spdx-license-ids/deprecated.json'));
const exceptions = require(path.join(modules, 'spdx-exceptions/index.json'));
const deprecatedExceptions = require(path.join(modules, 'spdx-exceptions/deprecated.json'));

// mulberry32: a small seeded PRNG, so the corpus is the same on every machine.
let seed = 0x5bd1e995;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const chance = (p) => random() < p;

const common = ['MIT', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', 'GPL-2.0-only', 'GPL-2.0-or-later',
  'GPL-3.0-only', 'GPL-3.0-or-later', 'LGPL-2.1-only', 'LGPL-2.1-or-later', 'LGPL-3.0-only', 'MPL-2.0',
  'AGPL-3.0-only', 'EPL-2.0', 'CC0-1.0', 'CC-BY-4.0', 'CC-BY-NC-4.0', 'Unlicense', 'Zlib', '0BSD', 'X11'];
const ranged = ['GPL-2.0', 'GPL-3.0', 'LGPL-2.0', 'LGPL-2.1', 'LGPL-3.0', 'AGPL-3.0', 'Apache-1.0', 'Apache-1.1',
  'MPL-1.0', 'MPL-1.1', 'CC-BY-3.0', 'EPL-1.0', 'AFL-2.0', 'OFL-1.0', 'GFDL-1.2', 'MIT', 'EUPL-1.1'];
const commonExceptions = ['Classpath-exception-2.0', 'LLVM-exception', 'GCC-exception-3.1', 'Autoconf-exception-3.0',
  'Bison-exception-2.2', 'openvpn-openssl-exception', 'OpenJDK-assembly-exception-1.0'];

const license = () => (chance(0.7) ? pick(common) : pick(ids));
const exception = () => (chance(0.7) ? pick(commonExceptions) : pick(exceptions));
function leaf() {
  const r = random();
  let s = r < 0.75 ? license() : r < 0.85 ? pick(ranged) + '+' : r < 0.93 ? 'LicenseRef-' + pick(['acme', 'x1', 'Foo.Bar', 'a-b']) : pick(deprecated);
  if (chance(0.15) && !s.startsWith('LicenseRef')) s += ' WITH ' + exception();
  return s;
}
// A random expression tree, printed with random (sometimes redundant) parentheses.
function tree(depth) {
  if (depth === 0 || chance(0.3)) return chance(0.1) ? '(' + leaf() + ')' : leaf();
  const op = chance(0.5) ? 'AND' : 'OR';
  const n = 2 + Math.floor(random() * 2);
  const parts = [];
  for (let i = 0; i < n; i++) {
    const sub = tree(depth - 1);
    parts.push(sub.includes(' ') && !sub.includes('WITH') && chance(0.7) ? '(' + sub + ')' : sub);
  }
  return parts.join(' ' + op + ' ');
}
const randomCase = (s) => s.split('').map((c) => (chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');

const corpus = new Set();
const add = (s) => corpus.add(s);

// Hand-picked cases: each pins down one rule of the grammar.
[
  'MIT', 'mit', 'Mit', 'MIT+', 'GPL-2.0+', 'GPL-2.0-or-later', 'GPL-2.0', 'gpl-2.0+', 'LGPL-2.1+', 'MIT OR Apache-2.0',
  'MIT AND Apache-2.0', 'MIT or Apache-2.0', 'MIT and Apache-2.0', 'MIT Or Apache-2.0', 'MIT aNd Apache-2.0',
  'GPL-2.0-or-later WITH Classpath-exception-2.0', 'GPL-2.0-or-later with Classpath-exception-2.0',
  'GPL-2.0-or-later With Classpath-exception-2.0', 'GPL-2.0-or-later WITH classpath-exception-2.0',
  'Apache-2.0 WITH LLVM-exception', 'GPL-2.0+ WITH Bison-exception-2.2', 'LicenseRef-foo', 'LicenseRef-Foo.Bar-1',
  'DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2', 'LicenseRef-foo WITH Classpath-exception-2.0', 'LicenseRef-',
  'licenseref-foo', 'LICENSEREF-foo', 'LicenseRef-foo+', 'LicenseRef-a_b', 'DocumentRef-:LicenseRef-x',
  'DocumentRef-x:', 'DocumentRef-x', 'DocumentRef-x:LicenseRef-', 'documentref-x:LicenseRef-y',
  'MIT WITH AdditionRef-foo', 'MIT WITH DocumentRef-d:AdditionRef-foo', 'AdditionRef-foo', 'MIT WITH additionref-foo',
  'NONE', 'NOASSERTION', 'none', 'MIT AND NONE', 'NOASSERTION OR MIT', '(NONE)', '', ' ', '()', '(MIT)', '((MIT))',
  '(MIT', 'MIT)', '(MIT))', '((MIT)', 'MIT AND', 'AND MIT', 'MIT OR', 'OR', 'AND', 'WITH', 'MIT WITH',
  'MIT WITH MIT', 'Classpath-exception-2.0', 'Classpath-exception-2.0 WITH MIT', 'MIT Apache-2.0', 'MIT (Apache-2.0)',
  '(MIT)(Apache-2.0)', 'MIT AND (Apache-2.0)', '(MIT)AND(Apache-2.0)', 'MIT AND(Apache-2.0)', '(MIT)AND Apache-2.0',
  'MIT ANDApache-2.0', 'MITAND Apache-2.0', 'MIT +', 'MIT ++', 'MIT++', '+MIT', 'MIT+ AND Apache-2.0', 'MIT+AND Apache-2.0',
  '(MIT)+', '(MIT OR Apache-2.0) WITH Classpath-exception-2.0', 'MIT WITH Classpath-exception-2.0 WITH LLVM-exception',
  'MIT WITH (Classpath-exception-2.0)', 'GPL-2.0 WITH Classpath-exception-2.0+', 'Foo', 'Apache2', 'GPL', 'BSD',
  'MIT, Apache-2.0', 'MIT/Apache-2.0', 'MIT | Apache-2.0', 'MIT & Apache-2.0', 'MIT;', 'MIT\tOR\tApache-2.0',
  'MIT\nOR Apache-2.0', '  MIT  ', 'MIT  OR   Apache-2.0', ' (  MIT  OR  Apache-2.0 ) ', 'MIT OR Apache-2.0 ',
  'MIT OR OR Apache-2.0', 'MIT AND OR Apache-2.0', '(MIT AND) Apache-2.0', 'MIT OR (Apache-2.0 AND)',
  'MIT AND Apache-2.0 OR ISC', 'MIT OR Apache-2.0 AND ISC', '(MIT OR Apache-2.0) AND ISC', 'MIT OR (Apache-2.0 AND ISC)',
  'MIT AND (Apache-2.0 AND ISC)', '(MIT AND Apache-2.0) AND ISC', '((MIT OR ISC) OR (Apache-2.0 OR Zlib))',
  'GPL-2.0-with-classpath-exception', 'eCos-2.0', 'wxWindows', 'Nunit', 'StandardML-NJ', 'Nokia-Qt-exception-1.1',
  'GPL-2.0 WITH Nokia-Qt-exception-1.1', 'bzip2-1.0.5', 'BSD-2-Clause-FreeBSD', 'AGPL-3.0', 'GFDL-1.3',
  'MIT OR Ma\u00efl', 'MIT\u00a0OR Apache-2.0', 'MIT OR "Apache-2.0"', 'MIT OR Apache-2.0 # comment', 'SEE LICENSE IN LICENSE',
  'UNLICENSED', 'Unlicense', 'unlicense', 'public domain', 'CC-BY-4.0+', 'CC-BY-NC-4.0 OR LicenseRef-commercial',
  'MIT WITH LicenseRef-foo', 'LicenseRef-foo AND LicenseRef-bar OR MIT', 'DocumentRef-a:LicenseRef-b OR DocumentRef-c:LicenseRef-d',
].forEach(add);

const deep = (n) => '('.repeat(n) + 'MIT' + ')'.repeat(n);
[5, 31, 32, 33, 40].forEach((n) => add(deep(n)));
add(Array(100).fill('MIT').join(' AND '));
add(Array(50).fill('(MIT OR ISC)').join(' AND '));

ids.slice(0).sort().forEach((id, i) => { if (i % 12 === 0) add(id); });  // a spread of listed ids
deprecated.forEach(add);
deprecatedExceptions.forEach((e) => add('GPL-2.0-only WITH ' + e));
for (let i = 0; i < 30; i++) add(randomCase(license()));
for (let i = 0; i < 20; i++) add(license() + ' WITH ' + randomCase(exception()));
for (let i = 0; i < 30; i++) add(pick(ranged) + '+');
for (let i = 0; i < 40; i++) add(license() + ' WITH ' + exception());
for (let i = 0; i < 8; i++) add(pick(exceptions) + ' WITH ' + exception());
for (let i = 0; i < 200; i++) add(tree(1 + Math.floor(random() * 3)));
for (let i = 0; i < 20; i++) add(tree(2).replace(/ (AND|OR) /g, (m, op) => ' ' + (chance(0.5) ? op.toLowerCase() : op) + ' '));
for (let i = 0; i < 20; i++) add(tree(2).replace(/ /g, () => pick([' ', '  ', '\t'])));
for (let i = 0; i < 15; i++) add(tree(2).replace(/\( /g, '(').replace(/ \)/g, ')').replace(/\(/g, ' ( ').replace(/\)/g, ' ) '));
// Invalid: truncations and unbalanced parentheses of valid expressions, and unknown ids.
for (let i = 0; i < 40; i++) {
  const s = tree(2);
  add(s.slice(0, 1 + Math.floor(random() * (s.length - 1))).trimEnd());
}
for (let i = 0; i < 15; i++) add('(' + tree(2));
for (let i = 0; i < 15; i++) add(tree(2) + ')');
for (let i = 0; i < 15; i++) add(tree(1) + ' ' + pick(['AND', 'OR']) + ' ' + pick(['Foo-1.0', 'Apache', 'GPLv2', 'BSD-5-Clause', 'MIT-X']));

const list = [...corpus];
const text = '[\n' + list.map((s) => '  ' + JSON.stringify(s)).join(',\n') + '\n]\n';
fs.writeFileSync(path.join(__dirname, 'corpus.json'), text);
console.log(`wrote tests/licenses/corpus.json: ${list.length} expressions`);
