import { render } from 'preact';
import '@fontsource/noto-sans-arabic/400.css';
import '@fontsource/noto-sans-arabic/700.css';
import '../shared/base.css';
import '../donate/donate.css';
import './act.css';
import { App } from './app';

render(<App />, document.getElementById('app')!);
