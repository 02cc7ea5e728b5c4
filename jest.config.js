/**
 * Two tiers. `unit`: the specs beside the code in apps/ and libs/, pure logic with no services, run in
 * seconds by `npm run test:unit`. `e2e`: test/ (e2e, faults, fuzz, browser), whose global setup starts
 * Redis and Apertium once for the run. A plain `jest` (and `npm test`) runs both. Types are checked by
 * `tsc` in the test command, so ts-jest only transpiles here.
 */
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

/** `@app/<lib>` for every lib: the folders of libs/ with a src/, as tsconfig's paths name them. */
const libs = readdirSync(join(__dirname, 'libs')).filter((name) =>
  existsSync(join(__dirname, 'libs', name, 'src')),
);

const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: 'tsconfig.jest.json' }],
    // An ESM-only dependency that Node 20 loads through require(esm) but jest's module system cannot.
    '^.+/node_modules/@ozymandiasthegreat/vad/.+\\.js$': [
      'ts-jest',
      { diagnostics: false, tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@ozymandiasthegreat/vad/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: Object.fromEntries(
    libs.map((name) => [`^@app/${name}(|/.*)$`, `<rootDir>/libs/${name}/src$1`]),
  ),
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      // Unit specs of the test kit itself (test/support) belong here too; e2e files end in .e2e-spec.ts.
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test/support'],
      testRegex: '.*\\.spec\\.ts$',
    },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testRegex: '.*\\.e2e-spec\\.ts$',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  testTimeout: 60000,
  maxWorkers: 2,
};
