// speed.js - texts per second of the npm scorers on the benchmark texts.
// usage: node speed.js afinn|vader FILE N
// Prints NAME<TAB>TEXTS<TAB>SECONDS<TAB>TEXTS_PER_SECOND, as speed.c does,
// SECONDS in CPU time of the process.
'use strict';
const fs = require('fs');
const path = require('path');
const mods = path.join(__dirname, '..', 'node_modules');

const which = process.argv[2];
const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n');
const n = Math.min(parseInt(process.argv[4], 10), lines.length - 1);
let score;
if (which === 'afinn') {
  const Sentiment = require(path.join(mods, 'sentiment'));
  const s = new Sentiment();
  score = (t) => s.analyze(t).score;
} else {
  const vader = require(path.join(mods, 'vader-sentiment'));
  score = (t) => vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;
}
const t0 = process.cpuUsage();
let sum = 0;
for (let i = 0; i < n; i++) sum += score(lines[i]);
const cpu = process.cpuUsage(t0);
const secs = (cpu.user + cpu.system) / 1e6;
const name = which === 'afinn' ? 'npm-sentiment(AFINN)' : 'npm-vader-sentiment';
console.log(`${name}\t${n}\t${secs.toFixed(3)}\t${Math.round(n / secs)}`);
console.error(`checksum ${sum}`);
