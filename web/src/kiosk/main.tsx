import { createRoot } from 'react-dom/client';
import '../styles.css';
import { Kiosk } from './Kiosk';

createRoot(document.getElementById('root') as HTMLElement).render(<Kiosk />);
