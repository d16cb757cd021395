/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/dev'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
    // The Azure events module loads its two features with import(), which Jest's CommonJS runtime
    // cannot run (it needs --experimental-vm-modules): compile that package's require-ready output
    // once more so that import() becomes require().
    // jose 6, behind Backstage's real auth service (the status route's tests), ships ES modules
    // only: compiled to CommonJS the same way.
    '/node_modules/(@backstage/plugin-events-backend-module-azure|jose)/dist/.+\\.js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@backstage/plugin-events-backend-module-azure|jose)/)'],
  setupFiles: ['<rootDir>/jest.setup.js'],
  testTimeout: 60_000,
};
