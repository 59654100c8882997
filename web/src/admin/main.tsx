import { createRoot } from 'react-dom/client';
import '../styles.css';
import './admin.css';
import { Admin } from './Admin';

createRoot(document.getElementById('root') as HTMLElement).render(<Admin />);
