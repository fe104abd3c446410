/** Endpoints of the analyses (trends, when, who, hotspots, police beside health). */
import type { RouteContext } from '../buildServer.js';

export function registerAnalysisRoutes(_ctx: RouteContext): void {
  // The analyses are added here as the core provides them.
}
