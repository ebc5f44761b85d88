import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { RequestFailure } from '@service-catalogue/plugin-service-catalogue-common';

/**
 * What a task carries about the request it fulfils, in its values under
 * `serviceCatalogue`: templates may use it (`parameters.serviceCatalogue
 * .trackingNumber`), and a worker that took over from one that died finds
 * the task by it.
 *
 * @internal
 */
export interface TaskMarker extends JsonObject {
  /** Provisioning a request, or revoking the grant it left. */
  purpose: 'provision' | 'revoke';
  requestId: string;
  trackingNumber: string;
  /** The run; a retry starts a new run and a new task. */
  run: number;
}

/** @internal */
export type TaskStatus =
  | 'open'
  | 'processing'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'skipped';

/**
 * The scaffolder tasks that provision requests.
 *
 * @internal
 */
export interface ScaffolderTasks {
  /** Starts a task from a template; the values carry the marker. */
  start(options: {
    templateRef: string;
    values: JsonObject;
    marker: TaskMarker;
  }): Promise<string>;

  /** The task a run of a request started, if any, created since `since`. */
  find(options: {
    marker: TaskMarker;
    since: Date;
  }): Promise<string | undefined>;

  status(taskId: string): Promise<TaskStatus>;

  /** Which step failed and why, from the task's events. */
  failure(taskId: string): Promise<RequestFailure>;
}

/**
 * The scaffolder refused a call. A 4xx (such as values that do not match the
 * template's parameters) will not change by trying again; anything else may.
 *
 * @internal
 */
export class ScaffolderError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ScaffolderError';
  }

  get permanent(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

const MARKER_KEY = 'serviceCatalogue';
const PAGE_SIZE = 50;

type SerializedTask = {
  id: string;
  status: TaskStatus;
  createdAt: string;
  spec?: { parameters?: JsonObject };
};

type TaskEvent = {
  type: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    error?: { message?: string };
  };
};

/**
 * {@link ScaffolderTasks} through the scaffolder backend's own API, with the
 * plugin's service credentials: a task started this way has no user, so
 * who the request is for travels in the values (`forUser`).
 *
 * @internal
 */
export class HttpScaffolderTasks implements ScaffolderTasks {
  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
  }): HttpScaffolderTasks {
    return new HttpScaffolderTasks(options.discovery, options.auth);
  }

  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  async start(options: {
    templateRef: string;
    values: JsonObject;
    marker: TaskMarker;
  }): Promise<string> {
    const { id } = await this.call<{ id: string }>('/v2/tasks', {
      method: 'POST',
      body: JSON.stringify({
        templateRef: options.templateRef,
        values: { ...options.values, [MARKER_KEY]: options.marker },
      }),
    });
    return id;
  }

  async find(options: {
    marker: TaskMarker;
    since: Date;
  }): Promise<string | undefined> {
    // Newest first, until the tasks are older than the request's run.
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const { tasks } = await this.call<{ tasks: SerializedTask[] }>(
        `/v2/tasks?order=desc:created_at&limit=${PAGE_SIZE}&offset=${offset}`,
      );
      for (const task of tasks) {
        const marker = task.spec?.parameters?.[MARKER_KEY] as
          | Partial<TaskMarker>
          | undefined;
        if (
          marker?.purpose === options.marker.purpose &&
          marker?.requestId === options.marker.requestId &&
          marker?.run === options.marker.run
        ) {
          return task.id;
        }
      }
      const oldest = tasks[tasks.length - 1];
      if (
        tasks.length < PAGE_SIZE ||
        new Date(oldest.createdAt).getTime() < options.since.getTime()
      ) {
        return undefined;
      }
    }
  }

  async status(taskId: string): Promise<TaskStatus> {
    const task = await this.call<SerializedTask>(
      `/v2/tasks/${encodeURIComponent(taskId)}`,
    );
    return task.status;
  }

  async failure(taskId: string): Promise<RequestFailure> {
    const events = await this.call<TaskEvent[]>(
      `/v2/tasks/${encodeURIComponent(taskId)}/events`,
    );
    const failedStep = [...events]
      .reverse()
      .find(e => e.type === 'log' && e.body.status === 'failed')?.body.stepId;
    const completion = events.find(e => e.type === 'completion');
    const message =
      completion?.body.error?.message ??
      completion?.body.message ??
      'The provisioning task failed';
    return failedStep ? { stepId: failedStep, message } : { message };
  }

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('scaffolder');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      },
    });
    if (!response.ok) {
      throw new ScaffolderError(
        response.status,
        describe(await response.text(), response.statusText),
      );
    }
    return (await response.json()) as T;
  }
}

/** The scaffolder's own words: its error body, or its validation errors. */
function describe(body: string, statusText: string): string {
  try {
    const parsed = JSON.parse(body);
    if (Array.isArray(parsed?.errors)) {
      return parsed.errors
        .map((e: { stack?: string; message?: string }) => e.stack ?? e.message)
        .join('; ');
    }
    if (typeof parsed?.error?.message === 'string') {
      return parsed.error.message;
    }
  } catch {
    // Not JSON: the status says enough.
  }
  return `The scaffolder answered ${statusText}`;
}
