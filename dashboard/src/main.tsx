import { render } from 'preact';
import { App } from './app.js';
import '@selfheal/extension/panel/panel.css';
import './dashboard.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
