// Runs in: node (tooling). One lint command for server, tests and the Vue apps.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'test-results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    // The shopper app's service worker: plain JS in the worker's global scope.
    files: ['renderer/public/**/*.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    // Layering (DESIGN.md): the servers never import Electron or the renderer.
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', '**/electron/**', '**/renderer/**'], message: 'server/ runs headless: no Electron or renderer imports' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // A bare 'electron' in a group would match every path through electron/, bridge type included.
          paths: [{ name: 'electron', message: 'renderer/ talks to Electron through the preload bridge only' }],
          patterns: [
            { group: ['**/server/**', 'node:*'], message: 'renderer/ talks to the servers over HTTP only' },
            {
              // The preload bridge's declared type is the one thing the renderer may read from electron/.
              regex: '(^|/)electron/(?!shared/bridge-api\\.js$)',
              message: 'renderer/ talks to the servers over HTTP only (and to Electron through the bridge type)',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/electron/shared/bridge-api.js'], allowTypeImports: true, message: 'renderer/ may import the bridge type only (import type)' }] },
      ],
    },
  },
  // Desktop shell (Signal-Desktop style): every file runs in one process and imports only what
  // exists there; processes share declarations through electron/shared only.
  {
    files: ['electron/main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer/**'], message: 'main process: pages are reached through the preload bridge only' },
            { group: ['**/preload/**', '**/utility/**'], message: 'main process: no imports from another process; share through electron/shared' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/utility/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'utility process: ask the main process over the parent port' }],
          patterns: [{ group: ['**/renderer/**', '**/main/**', '**/preload/**'], message: 'utility process: no imports from another process; share through electron/shared' }],
        },
      ],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: 'sandboxed preload: no Node modules' })),
          patterns: [
            { group: ['node:*'], message: 'sandboxed preload: no Node modules' },
            { group: ['**/main/**', '**/utility/**', '**/server/**', '**/renderer/**'], message: 'preload: only electron and electron/shared' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'electron/shared is bundled into every process: no Electron' }, ...builtinModules.map((name) => ({ name, message: 'electron/shared: no Node modules' }))],
          patterns: [
            { group: ['node:*'], message: 'electron/shared: no Node modules' },
            { group: ['**/main/**', '**/utility/**', '**/preload/**', '**/renderer/**'], message: 'electron/shared: declarations only' },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**'], allowTypeImports: true, message: 'electron/shared may read server types only (import type)' }] },
      ],
    },
  },
  {
    files: ['electron/pages/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
