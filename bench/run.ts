/** `npm run bench`: every benchmark, each a ratio against a reference measured in the same run. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchDefinitions } from './definitions.js';
import { benchForceExtract } from './forceExtract.js';
import { benchIngest } from './ingest.js';
import { benchGeo } from './geo.js';
import { benchDashboard } from './dashboard.js';
import { benchHotspots } from './hotspots.js';
import { benchReport } from './report.js';

const results: Record<string, unknown> = {};
const only = process.argv[2];
if (only === undefined || only === 'ingest') results['ingest'] = await benchIngest();
if (only === undefined || only === 'geo') results['geo'] = await benchGeo();
if (only === undefined || only === 'definitions') results['definitions'] = await benchDefinitions();
if (only === undefined || only === 'force-extract')
  results['force-extract'] = await benchForceExtract();
if (only === undefined || only === 'hotspots') results['hotspots'] = await benchHotspots();
if (only === undefined || only === 'dashboard') results['dashboard'] = await benchDashboard();
if (only === undefined || only === 'report') results['report'] = await benchReport();
mkdirSync('bench-results', { recursive: true });
writeFileSync(
  'bench-results/latest.json',
  `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`,
);
console.log('\nresults written to bench-results/latest.json');
