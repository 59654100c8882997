import { createRoot } from 'react-dom/client';
import '../styles.css';
import './driver.css';
import { Driver } from './Driver';

createRoot(document.getElementById('root') as HTMLElement).render(<Driver />);
