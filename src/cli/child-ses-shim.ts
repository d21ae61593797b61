/**
 * What `import 'ses'` resolves to in the built runner child (scripts/build-cli.mjs aliases it):
 * SES's own build, evaluated from a code cache when there is one (child-ses.ts). Everywhere else
 * (the browser worker, the TypeScript sources) `ses` is the package itself.
 */
import { loadSes } from './child-ses.ts';

loadSes();
