import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.edx/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // One error catalogue: libs and apps throw EdxError with a stable code, never a bare Error.
      'no-restricted-syntax': [
        'error',
        { selector: "ThrowStatement > NewExpression[callee.name='Error']", message: 'Throw EdxError with a code from the catalogue.' },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      // A lib never imports an app.
      'no-restricted-imports': ['error', { patterns: ['**/apps/**'] }],
    },
  },
  { files: ['**/*.spec.ts', 'test/**/*.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
