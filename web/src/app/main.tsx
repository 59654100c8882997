import { createRoot } from 'react-dom/client';
import '../styles.css';
import { App } from './App';

createRoot(document.getElementById('root') as HTMLElement).render(<App />);

// The installable app: the service worker caches the shell and the last menu, and answers with
// the offline page when there is no network.
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
}
