/**
 * The layers of svd and the imports allowed between them, checked in CI (`npm run layers`).
 * From the ground up; a layer imports only from the layers listed for it (and from itself):
 *
 *   core, api   ids, errors, time, vocabulary, statistics; the API's answer shapes (types only)
 *   store       the workspace file: DuckDB, migrations, batches
 *   access      organisations, users, roles, local accounts (passwords, TOTP); beside the domain
 *   sources     every reader of data in: police.uk, partner extracts, A&E, Home Office, synthetic
 *   geo         boundaries, lookups, population, deprivation, areas, placement of records
 *   definitions definitions of serious violence: read, validate, compile, classify, explain
 *   analyses    every analysis, one folder each, with their shared selection plumbing (read-only)
 *   disclosure  suppression and rounding for an audience (read-only)
 *   strategy    the strategy, its measures and reviews
 *   reports     the SNA, review and annual reports: HTML, CSV, PDF
 *   app         the use cases both faces call; the only writer of derived data
 *   cli, server the two faces; web/ (the browser app) sees only the API's answer shapes
 *
 * See CONTRIBUTING.md for the map and docs/decisions/0066-layers.md for why.
 */
const GROUND = ['core', 'api'];
const DOMAIN = [...GROUND, 'store', 'sources', 'geo', 'definitions', 'analyses', 'disclosure'];
/** Each layer and what it may import (itself included). */
const BELOW = {
  core: ['core', 'api'],
  api: ['api'],
  store: [...GROUND, 'store'],
  sources: [...GROUND, 'store', 'sources'],
  geo: [...GROUND, 'store', 'geo'],
  definitions: [...GROUND, 'store', 'sources', 'geo', 'definitions'],
  analyses: [...GROUND, 'store', 'geo', 'definitions', 'analyses'],
  disclosure: [...GROUND, 'disclosure'],
  strategy: [...GROUND, 'store', 'geo', 'definitions', 'analyses', 'disclosure', 'strategy'],
  reports: [...DOMAIN, 'strategy', 'reports'],
  access: [...GROUND, 'store', 'access'],
  app: [...DOMAIN, 'strategy', 'reports', 'access', 'app'],
  server: [...DOMAIN, 'strategy', 'reports', 'access', 'app', 'server'],
  cli: [...DOMAIN, 'strategy', 'reports', 'access', 'app', 'server', 'cli'],
};

const layerRules = Object.entries(BELOW).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `${layer}/ imports only from ${allowed.join(', ')}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: '^src/', pathNot: `^src/(${allowed.join('|')})/` },
}));

/** Modules that write the workspace: what analyses and disclosure must never reach. */
const WRITERS = [
  '^src/(sources|app|cli|server)/',
  '^src/store/migrations/',
  '^src/access/',
  '^src/geo/(load[A-Z][A-Za-z]*|rebuildGeography|placeIncidents|referenceBatches)\\.ts$',
  '^src/geo/(population/loadPopulation|deprivation/loadDeprivation)\\.ts$',
  '^src/definitions/(classifyIncidents|storeDefinition)\\.ts$',
  '^src/strategy/(storeStrategy|updateAction|importStrategy|writeStrategy)\\.ts$',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles, between folders or files',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'cli-starts-server-only-through-serve',
      comment: 'the command line reaches the server only to start it (svd serve)',
      severity: 'error',
      from: { path: '^src/cli/', pathNot: '^src/cli/commands/serve\\.ts$' },
      to: { path: '^src/server/' },
    },
    {
      name: 'analyses-and-disclosure-do-not-write',
      comment: 'analyses and disclosure read: they import no module that writes the workspace',
      severity: 'error',
      from: { path: '^src/(analyses|disclosure)/' },
      to: { path: WRITERS },
    },
    {
      name: 'derived-data-written-only-by-app',
      comment:
        'placement and classification are written only through src/app/ (deriveData.ts, the demo)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/app/' },
      to: {
        path: '^src/(geo/placeIncidents|definitions/classifyIncidents)\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'areas-rebuilt-only-by-geo-and-app',
      comment: 'the areas are rebuilt by the geography loaders and by src/app/, nowhere else',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(app|geo)/' },
      to: { path: '^src/geo/rebuildGeography\\.ts$' },
    },
    {
      name: 'api-is-types-only',
      comment: 'src/api/ declares the answer shapes: it imports nothing outside itself',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { pathNot: '^src/api/' },
    },
    {
      name: 'web-sees-only-api-types',
      comment: 'the browser app imports nothing from src/ but the API answer shapes',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/', pathNot: '^src/api/' },
    },
    {
      name: 'web-imports-api-as-types',
      comment: 'and only as types (erased from the bundle)',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/api/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
