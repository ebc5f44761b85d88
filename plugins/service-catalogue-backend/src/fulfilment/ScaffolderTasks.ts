import { AuthService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import { JsonObject } from '@backstage/types';
import {
  RequestFailure,
  TASK_MARKER_KEY,
  TaskLogLine,
  TaskMarker,
} from '@service-catalogue/plugin-service-catalogue-common';
import { TemplateChecks } from '../catalogue/TemplateChecks';

/** @internal */
export type TaskStatus =
  | 'open'
  | 'processing'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'skipped';

/**
 * What a task runs: its template and the values it was started with, as the
 * scaffolder stored them.
 *
 * @internal
 */
export interface TaskDescription {
  templateRef?: string;
  values: JsonObject;
  /** The user the scaffolder says created the task, if one did. */
  createdBy?: string;
}

/**
 * The scaffolder tasks that provision requests and revoke grants.
 *
 * @internal
 */
export interface ScaffolderTasks {
  /**
   * Starts a task from a template; the values carry the marker. Refuses
   * (a permanent {@link ScaffolderError}) a template that does not run the
   * gate first.
   */
  start(options: {
    templateRef: string;
    values: JsonObject;
    marker: TaskMarker;
  }): Promise<string>;

  /**
   * Where the task stands. A task that completed every step and was then
   * retried by someone else, whose retry the gate stopped, is `completed`:
   * what it provisioned is there.
   */
  status(taskId: string): Promise<TaskStatus>;

  /** Which step failed and why, from the task's events. */
  failure(taskId: string): Promise<RequestFailure>;

  describe(taskId: string): Promise<TaskDescription>;

  /** What the task's steps logged, without stack traces. */
  log(taskId: string): Promise<TaskLogLine[]>;
}

/**
 * The scaffolder refused a call. A 4xx (such as values that do not match the
 * template's parameters, or a template without the gate) will not change by
 * trying again; anything else may.
 *
 * @internal
 */
export class ScaffolderError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ScaffolderError';
  }

  get permanent(): boolean {
    // Not 401, 408 or 429: a token or a queue that may be fine next time.
    return [400, 403, 404, 409, 422].includes(this.status);
  }
}

/**
 * {@link ScaffolderTasks} through the scaffolder's service, with the
 * plugin's own service credentials: a task started this way has no user, so
 * who the request is for travels in the values (`forUser`), and the gate
 * step knows the task is ours from its initiator.
 *
 * @internal
 */
export class ScaffolderServiceTasks implements ScaffolderTasks {
  static create(options: {
    auth: AuthService;
    templates: TemplateChecks;
    scaffolder: ScaffolderService;
  }): ScaffolderServiceTasks {
    return new ScaffolderServiceTasks(
      options.auth,
      options.templates,
      options.scaffolder,
    );
  }

  private constructor(
    private readonly auth: AuthService,
    private readonly templates: TemplateChecks,
    private readonly scaffolder: ScaffolderService,
  ) {}

  async start(options: {
    templateRef: string;
    values: JsonObject;
    marker: TaskMarker;
  }): Promise<string> {
    const problem = await this.templates.problemOf(options.templateRef);
    if (problem) {
      throw new ScaffolderError(
        problem.kind === 'missing' ? 404 : 400,
        problem.message,
      );
    }
    const credentials = await this.auth.getOwnServiceCredentials();
    const { taskId } = await this.call(() =>
      this.scaffolder.scaffold(
        {
          templateRef: options.templateRef,
          values: { ...options.values, [TASK_MARKER_KEY]: options.marker },
        },
        { credentials },
      ),
    );
    return taskId;
  }

  async status(taskId: string): Promise<TaskStatus> {
    const task = await this.getTask(taskId);
    if (task.status !== 'failed' && task.status !== 'cancelled') {
      return task.status;
    }
    // The scaffolder lets anyone who may read a task retry it, also one that
    // completed: it drops the completion and runs the task again as the
    // retrier, and the gate stops that run. What the first run did stands.
    const events = await this.events(taskId);
    const retried = events.findIndex(event => event.type === 'recovered');
    if (retried < 0) {
      return task.status;
    }
    // Steps whose `if` was false are skipped in a run that completes.
    const before = events.slice(0, retried).filter(e => e.type === 'log');
    const done = new Set(
      before
        .filter(
          e => e.body.status === 'completed' || e.body.status === 'skipped',
        )
        .map(e => e.body.stepId),
    );
    const failedBefore = before.some(e => e.body.status === 'failed');
    return !failedBefore && task.spec.steps.every(step => done.has(step.id))
      ? 'completed'
      : task.status;
  }

  async describe(taskId: string): Promise<TaskDescription> {
    const task = await this.getTask(taskId);
    return {
      templateRef: task.spec.templateInfo?.entityRef,
      values: task.spec.parameters,
      ...(task.spec.user?.ref ? { createdBy: task.spec.user.ref } : {}),
    };
  }

  async failure(taskId: string): Promise<RequestFailure> {
    const events = await this.events(taskId);
    const failedStep = [...events]
      .reverse()
      .find(e => e.type === 'log' && e.body.status === 'failed')?.body.stepId;
    const completion = events.find(e => e.type === 'completion');
    const body = completion?.body as
      | { message?: string; error?: { message?: string } }
      | undefined;
    const message =
      body?.error?.message ?? body?.message ?? 'The provisioning task failed';
    return failedStep ? { stepId: failedStep, message } : { message };
  }

  async log(taskId: string): Promise<TaskLogLine[]> {
    // The scaffolder holds a request for the events of a task that has none
    // yet until one comes; a task still waiting has nothing to show.
    if ((await this.getTask(taskId)).status === 'open') {
      return [];
    }
    const events = await this.events(taskId);
    return events
      .filter(event => event.type === 'log')
      .map(event => ({
        at: event.createdAt,
        ...(event.body.stepId ? { stepId: event.body.stepId } : {}),
        ...(event.body.status ? { status: event.body.status } : {}),
        // A failed step logs its error's stack: where in the code is no
        // business of the person waiting for access.
        message: event.body.message
          .split('\n')
          .filter(line => !/^\s+at /.test(line))
          .join('\n')
          .trim(),
      }));
  }

  private async events(taskId: string) {
    const credentials = await this.auth.getOwnServiceCredentials();
    return this.call(() =>
      this.scaffolder.getLogs({ taskId }, { credentials }),
    );
  }

  private async getTask(taskId: string) {
    const credentials = await this.auth.getOwnServiceCredentials();
    return this.call(() =>
      this.scaffolder.getTask({ taskId }, { credentials }),
    );
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof ResponseError) {
        throw new ScaffolderError(
          error.statusCode,
          describe(error.body.error.message),
        );
      }
      // The scaffolder's client reports a refused start in a plain Error.
      const refused = /^Backend request failed, (\d{3})[^{]*(.*)$/s.exec(
        (error as Error)?.message ?? '',
      );
      if (refused) {
        throw new ScaffolderError(Number(refused[1]), describe(refused[2]));
      }
      throw error;
    }
  }
}

/** The scaffolder's own words: its validation errors, or its message. */
function describe(text: string): string {
  // A body that was not an error response (the scaffolder's validation
  // errors are `{ errors: [...] }`) ends up as text in the message.
  const json = text.indexOf('{');
  if (json >= 0) {
    try {
      const parsed = JSON.parse(text.slice(json));
      if (Array.isArray(parsed?.errors)) {
        return parsed.errors
          .map(
            (e: { stack?: string; message?: string }) => e.stack ?? e.message,
          )
          .join('; ');
      }
      if (typeof parsed?.error?.message === 'string') {
        return parsed.error.message;
      }
    } catch {
      // Not JSON after all: the message says enough.
    }
  }
  return text;
}
