import { parentPort } from 'node:worker_threads';
import { VerificationJob, VerificationRunner } from './verification-job';

// A verification worker thread (started by VerificationPool): jobs in, answers out, one at a time.
const runner = new VerificationRunner();
parentPort?.on('message', (job: VerificationJob) => {
  try {
    parentPort!.postMessage(runner.run(job));
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: (error as Error).message });
  }
});
