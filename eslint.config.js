// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The layer rule (DESIGN §1), checked on every lint: arrows point inward only. */
const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

const outside = (name, message) => ({ group: [name], message });

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'dist-*', 'data', 'coverage', 'vendor', 'bench/tmp', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  layer(
    ['src/domain/**/*.ts'],
    [
      outside('../*', 'src/domain imports nothing outside itself (DESIGN §1).'),
      { regex: '^(?!neverthrow$|\\.)', message: 'src/domain may import only neverthrow.' },
    ],
  ),
  layer(
    ['src/ports/**/*.ts'],
    [
      ...['application', 'adapters', 'container', 'http', 'worker', 'cli', 'config'].map((d) =>
        outside(`**/${d}/**`, 'ports import only domain.'),
      ),
      { regex: '^(?!neverthrow$|node:|\\.)', message: 'ports may import only neverthrow and node: types.' },
    ],
  ),
  layer(
    ['src/application/**/*.ts'],
    [
      ...['adapters', 'container', 'http', 'worker', 'cli', 'config'].map((d) =>
        outside(`**/${d}/**`, 'application imports only domain and ports.'),
      ),
      {
        regex: '^(?!neverthrow$|node:|\\.)',
        message: 'application may import only neverthrow and node: built-ins.',
      },
    ],
  ),
  layer(['src/adapters/**/*.ts'], [outside('**/container/**', 'adapters do not know the composition root.')]),
  layer(
    ['src/http/**/*.ts', 'src/worker/**/*.ts'],
    [outside('**/adapters/**', 'only src/container imports adapters (DESIGN §1).')],
  ),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
