/** One step of the workspace schema. Versions are consecutive integers starting at 1. */
export interface Migration {
  version: number;
  name: string;
  /** DDL/DML run in order inside one transaction. */
  statements: string[];
}
