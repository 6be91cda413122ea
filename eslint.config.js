// Lint: ESLint's and typescript-eslint's recommended rules, without type-aware rules to stay fast in CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['.dependency-cruiser.cjs', 'node_modules/', 'uploads/', 'data/', 'test/artifacts/', '.scratch/', 'bench/.work/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['views/assets/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
);
