/**
 * Where long-running work tells the person what it is doing. The command line supplies one that
 * draws a progress bar on a terminal and stays quiet otherwise; tests pass `silentReporter` or a
 * recording one.
 */
export interface ProgressState {
  label: string;
  done: number;
  /** Total when known, in the same unit. */
  total?: number;
  /** What is counted: "rows", "bytes". */
  unit: string;
}

export interface Reporter {
  /** Announcements (automatic choices, what was done); hidden by --quiet. */
  info(message: string): void;
  /** Something the person should look at; shown even with --quiet. */
  warn(message: string): void;
  progress(state: ProgressState): void;
  endProgress(): void;
}

export const silentReporter: Reporter = {
  info: () => undefined,
  warn: () => undefined,
  progress: () => undefined,
  endProgress: () => undefined,
};

export interface RecordingReporter extends Reporter {
  infos: string[];
  warnings: string[];
  progressCalls: number;
}

export function recordingReporter(): RecordingReporter {
  const r: RecordingReporter = {
    infos: [],
    warnings: [],
    progressCalls: 0,
    info: (m) => void r.infos.push(m),
    warn: (m) => void r.warnings.push(m),
    progress: () => void r.progressCalls++,
    endProgress: () => undefined,
  };
  return r;
}
