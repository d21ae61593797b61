import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { App } from './app/App.tsx';
import { applyTheme } from './hooks/use-theme.ts';
import './styles/base.css';
import './styles/layout.css';
import './styles/prose.css';
import './styles/highlight.css';

// Before the first render, so a remembered dark theme never flashes light.
applyTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Router base={import.meta.env.BASE_URL.replace(/\/$/, '')}>
      <App />
    </Router>
  </StrictMode>,
);
