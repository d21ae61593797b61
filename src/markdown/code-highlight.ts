import type { Element, ElementContent, Root } from 'hast';
import bash from 'highlight.js/lib/languages/bash';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import typescript from 'highlight.js/lib/languages/typescript';
import { createLowlight } from 'lowlight';
import { redisLanguage } from './redis-language.ts';

// Only the grammars lessons use. rehype-highlight always bundles lowlight's 37 "common" grammars
// (about 40 KB gzip) even when given a list, so this small plugin replaces it.
const lowlight = createLowlight({ typescript, javascript, json, bash, redis: redisLanguage });
// "shell" and "sh" fences are usually plain commands without a "$ " prompt, so read them as bash.
lowlight.registerAlias({
  bash: ['shell', 'sh', 'console'],
  typescript: ['ts', 'tsx'],
  javascript: ['js', 'jsx'],
});

/**
 * Highlights fenced code (`<pre><code class="language-x">`) with highlight.js grammars, as hast,
 * so the result renders through React like any other markdown (no innerHTML). Unknown languages
 * stay plain text.
 */
export function rehypeCodeHighlight() {
  return (tree: Root) => {
    visitCode(tree);
  };
}

function visitCode(node: Root | Element): void {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    if (child.tagName === 'pre') {
      for (const code of child.children)
        if (code.type === 'element' && code.tagName === 'code') highlight(code);
    } else {
      visitCode(child);
    }
  }
}

function highlight(code: Element): void {
  const classes = Array.isArray(code.properties.className)
    ? code.properties.className.map(String)
    : [];
  const language = classes.find((name) => name.startsWith('language-'))?.slice('language-'.length);
  if (!language || !lowlight.registered(language)) return;
  const result = lowlight.highlight(language, textOf(code));
  code.properties.className = ['hljs', ...classes];
  code.children = result.children as ElementContent[];
}

function textOf(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}
