import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { App } from './app/App.tsx';
import { afterFirstPaint } from './hooks/after-first-paint.ts';
import { applyTheme } from './hooks/use-theme.ts';
import './styles/base.css';
import './styles/layout.css';
import './styles/prose.css';
import './styles/highlight.css';

// Before the first render, so a remembered dark theme never flashes light.
applyTheme();

const root = document.getElementById('root')!;
const render = () =>
  createRoot(root).render(
    <StrictMode>
      <Router base={import.meta.env.BASE_URL.replace(/\/$/, '')}>
        <App />
      </Router>
    </StrictMode>,
  );

// A prerendered lesson page (scripts/vite-prerender.ts) is replaced only once its first paint is
// on screen: replacing it earlier throws away the browser's record of that paint, and the page's
// largest paint would then be counted from React's identical copy instead.
if (root.hasChildNodes()) void afterFirstPaint().then(render);
else render();
