/** A worker thread of the Causes page's model fits: `associateBatch` on each batch sent. */
import { associateBatch } from '../../analyses/causes/association.js';
import { serveWorkerTasks } from './workerPool.js';

serveWorkerTasks(associateBatch);
