import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scratch/**', 'coverage/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Analyses and disclosure read: no statement that writes the workspace (see also the import
    // rules in .dependency-cruiser.cjs and docs/decisions/0066-layers.md).
    files: ['src/analyses/**/*.ts', 'src/disclosure/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.property.name=/^(run|transaction|createAppender|appendRows)$/]',
          message: 'analyses and disclosure only read: derive data in src/app/ before they run',
        },
        {
          selector:
            'Literal[value=/\\b(INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET|CREATE (OR REPLACE )?TABLE|DROP TABLE)\\b/i]',
          message: 'analyses and disclosure only read: no statement that writes',
        },
        {
          selector:
            'TemplateElement[value.raw=/\\b(INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET|CREATE (OR REPLACE )?TABLE|DROP TABLE)\\b/i]',
          message: 'analyses and disclosure only read: no statement that writes',
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
