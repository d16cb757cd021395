/**
 * The catalog UI demo: a stock Backstage frontend (new frontend system) with the catalog and the
 * catalog graph, as a newcomer would put in front of `npm start`. Everything the demo needs beyond
 * the defaults is configuration, in ../app-config.yaml.
 */
import ReactDOM from 'react-dom/client';
// Backstage UI's stylesheet: the new frontend system's pages (headers, entity pages) are styled by it.
import '@backstage/ui/css/styles.css';
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import catalogGraphPlugin from '@backstage/plugin-catalog-graph/alpha';

const app = createApp({ features: [catalogPlugin, catalogGraphPlugin] });

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
