import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { App } from './app/App.tsx';
import { afterFirstPaint } from './hooks/after-first-paint.ts';
import { applyTheme } from './hooks/use-theme.ts';
// Self-hosted variable fonts (bundled from npm; the page makes no request to another origin).
// Each file carries every unicode subset with its unicode-range, so a page downloads only the
// Latin files it uses (about 48 KB for Inter, 40 KB for JetBrains Mono).
import '@fontsource-variable/inter/wght.css';
import '@fontsource-variable/jetbrains-mono/wght.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/prose.css';
import './styles/highlight.css';

// Before the first render, so a remembered dark theme never flashes light.
applyTheme();

const root = document.getElementById('root')!;
// A transition render yields to the browser every few milliseconds instead of blocking the main
// thread for the whole page at once: on a phone that one render was a long task of several
// hundred ms (Lighthouse's Total Blocking Time), while the prerendered page is already readable.
const render = () =>
  startTransition(() =>
    createRoot(root).render(
      <StrictMode>
        <Router base={import.meta.env.BASE_URL.replace(/\/$/, '')}>
          <App />
        </Router>
      </StrictMode>,
    ),
  );

// A prerendered lesson page (scripts/vite-prerender.ts) is replaced only once its first paint is
// on screen: replacing it earlier throws away the browser's record of that paint, and the page's
// largest paint would then be counted from React's identical copy instead.
if (root.hasChildNodes()) void afterFirstPaint().then(render);
else render();
