/** The console itself: loaded by main.tsx as a chunk of its own, once the event stream is on its way. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api';
import { App } from './App';
import { wire } from './state/wire';
import './styles.css';

wire(api);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
