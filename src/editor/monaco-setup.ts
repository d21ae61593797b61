/**
 * Configures Monaco once, inside the lazily loaded editor chunk: the bundled `monaco-editor`
 * (never a CDN), its web workers through Vite's `?worker`, and a strict TypeScript service that
 * knows ioredis's types. Importing this module is what makes the editor chunk heavy, so only
 * LazyCodeEditor's `import()` pulls it in.
 */
import * as monaco from 'monaco-editor';
import { loader } from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import { ioredisExtraLibs } from './ioredis-types.ts';

self.MonacoEnvironment = {
  getWorker(_workerId, label) {
    return label === 'typescript' || label === 'javascript'
      ? new TypeScriptWorker()
      : new EditorWorker();
  },
};

loader.config({ monaco });

/** vs-dark with comments lifted to 5:1 contrast (vs-dark's #608b4e is 4.2:1, below WCAG AA). */
export const DARK_THEME = 'cachelab-dark';
monaco.editor.defineTheme(DARK_THEME, {
  base: 'vs-dark',
  inherit: true,
  rules: [{ token: 'comment', foreground: '6a9955' }],
  colors: {},
});

const ts = monaco.typescript;
ts.typescriptDefaults.setCompilerOptions({
  strict: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  lib: ['es2022'],
  // No @types/node: the sandbox has no Node APIs, and automatic @types inclusion would add them.
  types: [],
  esModuleInterop: true,
  allowNonTsExtensions: true,
  noEmit: true,
});
// Diagnostics show as squiggles only; Run never consults them (the runner transpiles with sucrase).
ts.typescriptDefaults.setDiagnosticsOptions({
  noSemanticValidation: false,
  noSyntaxValidation: false,
});
ts.typescriptDefaults.setExtraLibs(ioredisExtraLibs());

export { monaco };
