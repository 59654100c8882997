import { createRoot } from 'react-dom/client';
import '../styles.css';
import './kds.css';
import { Kds } from './Kds';

createRoot(document.getElementById('root') as HTMLElement).render(<Kds />);
