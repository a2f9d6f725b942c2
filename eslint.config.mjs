import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'lib/**', 'dist/**', 'cdk8s.out/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@pulumi/*'],
              message: 'Pulumi is imported only under apps/pulumi and policies/pulumi.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/pulumi/**/*.ts', 'policies/pulumi/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
