// node_crawl.js - the node peer of the crawl benchmark: fetches every URL of
// URLS (one a line) with 16 requests in flight over keep-alive connections,
// parses each body with rss-parser (RSS and Atom) or JSON.parse (JSON Feed,
// which rss-parser does not read), and stores nothing.
//
//   node node_crawl.js URLS [CONCURRENCY]
//
// Prints "FEEDS ITEMS ERRORS" on stdout.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const Parser = require(path.join(__dirname, '..', 'node_modules', 'rss-parser'));

const urls = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
const conc = parseInt(process.argv[3] || '16', 10);
const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
const parser = new Parser();
// Names under .localhost are loopback (RFC 6761); libcurl knows that by
// itself, glibc's resolver does not.
const lookup = (host, opts, cb) => (opts && opts.all)
  ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent, lookup }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function one(url) {
  const body = await get(url);
  if (url.endsWith('.json'))
    return JSON.parse(body).items.length;
  return (await parser.parseString(body)).items.length;
}

async function main() {
  let next = 0, items = 0, errors = 0;
  async function worker() {
    while (next < urls.length) {
      const url = urls[next++];
      try {
        // Not "items += await one(url)": that reads items before the
        // await, and the workers' sums overwrite one another.
        const n = await one(url);
        items += n;
      } catch (e) {
        errors++;
      }
    }
  }
  await Promise.all(Array.from({ length: conc }, worker));
  console.log(`${urls.length} ${items} ${errors}`);
  agent.destroy();
}

main();
