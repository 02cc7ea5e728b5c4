/**
 * One jest run for unit tests (beside the code in apps/ and libs/) and e2e tests (test/). Types are
 * checked by `tsc` in the test command, so ts-jest only transpiles here.
 */
const aliases = [
  'config',
  'common',
  'storage',
  'gateway',
  'engines',
  'health',
  'realtime',
  'session',
  'pipeline',
  'analytics',
  'dashboard',
  'security',
  'streams',
  'results',
  'settings',
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: 'tsconfig.jest.json' }],
    // ESM-only dependencies that Node 20 loads through require(esm) but jest's module system cannot.
    '^.+/node_modules/(content-disposition|@ozymandiasthegreat/vad)/.+\\.js$': [
      'ts-jest',
      { diagnostics: false, tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|@ozymandiasthegreat/vad)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: Object.fromEntries(
    aliases.map((name) => [`^@app/${name}(|/.*)$`, `<rootDir>/libs/${name}/src$1`]),
  ),
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
