import { createRoot } from 'react-dom/client';
import '../styles.css';
import './pos.css';
import { Pos } from './Pos';

createRoot(document.getElementById('root') as HTMLElement).render(<Pos />);
