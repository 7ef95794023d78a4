// The audit bench alone, as `npm run bench` runs it: `npx tsx bench/audit-alone.ts`.
import { generateLargeCluster } from '../lib/testing/large-cluster';
import { benchAudit } from './audit';
import { time } from './time';

benchAudit(generateLargeCluster(), time);
