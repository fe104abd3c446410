/**
 * What the server derives from the workspace and keeps until it changes (the pool's write
 * generation): the classified definitions, the parts of answers no filter changes, and the
 * pre-aggregated incidents the dashboard counts from (decision 0081).
 * Unlike answers (`--no-cache` turns those off), these are data: the answers computed from them
 * are the answers computed from the records.
 */
import type { Reporter } from '../core/reporter.js';
import { errorMessage } from '../core/errors.js';
import { countsDefinition, type CountsDefinition } from '../definitions/countsDefinition.js';
import type { Workspace } from '../store/openWorkspace.js';
import {
  buildIncidentAggregate,
  type IncidentAggregate,
} from '../app/dashboard/incidentAggregate.js';
import type { DashboardContext } from '../app/dashboard/dashboardFilters.js';
import { ResponseCache } from './responseCache.js';
import type { WorkspacePool } from './workspacePool.js';

export interface GenerationDataOptions {
  pool: WorkspacePool;
  cwd: string;
  reporter: Reporter;
  /** Count the dashboard's answers from the aggregate (default true). */
  aggregates?: boolean;
}

export class GenerationData {
  private readonly definitions = new ResponseCache(50);
  private readonly parts = new ResponseCache(50);
  private aggregate: { generation: number; built: Promise<IncidentAggregate | undefined> } | null =
    null;

  constructor(private readonly options: GenerationDataOptions) {}

  /** The dashboard functions' context: definitions, parts and the aggregate of this generation. */
  context(): DashboardContext {
    const { pool, cwd } = this.options;
    return {
      cwd,
      definition: (ws, spec) =>
        this.definitions.get(`${pool.generation}|${spec}`, () =>
          countsDefinition(ws, spec, cwd),
        ) as Promise<CountsDefinition>,
      keep: <T>(_ws: Workspace, key: string, compute: () => Promise<T>) =>
        this.parts.get(`${pool.generation}|${key}`, compute) as Promise<T>,
      ...(this.options.aggregates === false
        ? {}
        : { aggregate: (ws: Workspace) => this.aggregateOf(ws) }),
    };
  }

  /**
   * The aggregate of the generation `ws` reads, built on first use (by a read, so no write runs
   * meanwhile); undefined when it could not be built (then answers come from the records).
   */
  aggregateOf(ws: Workspace): Promise<IncidentAggregate | undefined> {
    const generation = this.options.pool.generation;
    if (this.aggregate?.generation === generation) return this.aggregate.built;
    // No read of the earlier generation is running: a write waits for every read to finish.
    void this.aggregate?.built.then((a) => a?.close());
    const built = buildIncidentAggregate(ws).then(
      (a) => {
        this.options.reporter.info(
          `incidents aggregated for the dashboard: ${a.incidents.toLocaleString('en-GB')} in ${a.groups.toLocaleString('en-GB')} groups (${a.seconds.toFixed(1)} s)`,
        );
        return a;
      },
      (error: unknown) => {
        this.options.reporter.warn(
          `could not aggregate the incidents for the dashboard (${errorMessage(error)}): its answers are counted from the records`,
        );
        return undefined;
      },
    );
    this.aggregate = { generation, built };
    return built;
  }

  /** Builds the aggregate now, in the background (a server just started). */
  prepare(): void {
    if (this.options.aggregates === false) return;
    void this.options.pool.read((ws) => this.aggregateOf(ws)).catch(() => undefined);
  }

  /** Waits for a build in progress, then lets the aggregate go. */
  async close(): Promise<void> {
    const held = this.aggregate;
    this.aggregate = null;
    (await held?.built)?.close();
  }
}
