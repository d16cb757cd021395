import type {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';

/** Keeps the scheduled task so a test runs it by hand, as often as it likes. */
export class PersistingTaskRunner implements SchedulerServiceTaskRunner {
  #tasks: SchedulerServiceTaskInvocationDefinition[] = [];

  async run(task: SchedulerServiceTaskInvocationDefinition): Promise<void> {
    this.#tasks.push(task);
  }

  getTasks(): SchedulerServiceTaskInvocationDefinition[] {
    return this.#tasks;
  }

  /** Runs the one scheduled task to completion; `signal` stands for the scheduler's. */
  async runTask(signal: AbortSignal = new AbortController().signal): Promise<void> {
    const [task] = this.#tasks;
    if (!task) throw new Error('No task was scheduled');
    await task.fn(signal);
  }
}
