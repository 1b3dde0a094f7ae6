// Each business module's share of the demo company. A module adds ground-truth patterns (they
// change or add rows in a rep's slice before it is written) and writers (they insert the
// module's own rows for a slice, inside the loader's transaction, after the slice's core rows).
// The first start, `npm run demo` and the benchmarks all load the demo through demoModules(),
// so every screen has data. Add a module by appending to the two lists below.
import type { Sql } from '../platform/db/db.js';
import type { DemoPattern, RepSlice } from './generate.js';
import type { LoadOptions } from './load.js';
import { duplicatesPattern } from './duplicates.js';
import { atRiskPattern, engagementWriter } from './engagement.js';
import { pipelineDemo } from './pipeline.js';
import { fabricationPattern, processWriter } from './process.js';
import { sourcesConflictPattern, sourcesWriter } from './sources.js';
import { goalsWriter } from './goals.js';

export interface DemoWriter {
  name: string;
  /** Writes this module's rows for one rep's slice (customers, opportunities, visits already exist). */
  writeSlice(tx: Sql, tenantId: string, slice: RepSlice): Promise<void>;
}

export const DEMO_PATTERNS: DemoPattern[] = [duplicatesPattern, atRiskPattern, sourcesConflictPattern, fabricationPattern];
export const DEMO_WRITERS: DemoWriter[] = [engagementWriter, pipelineDemo, sourcesWriter, processWriter, goalsWriter];

/** The options that plug every registered module into loadDemo. */
export function demoModules(): Pick<LoadOptions, 'patterns' | 'onSlice'> {
  return {
    patterns: DEMO_PATTERNS,
    onSlice: DEMO_WRITERS.length
      ? async (tx, tenantId, slice) => {
          for (const w of DEMO_WRITERS) await w.writeSlice(tx, tenantId, slice);
        }
      : undefined,
  };
}
