import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { RequestTaskLog } from '@service-catalogue/plugin-service-catalogue-common';
import {
  ScaffolderError,
  ScaffolderTasks,
} from '../fulfilment/ScaffolderTasks';
import { RequestViewer } from './requestView';

/**
 * The log of a request's provisioning task, for everyone who may read the
 * request. The scaffolder shows its tasks only to their creators and
 * administrators, and the service catalogue creates them, so it hands the
 * log on itself.
 *
 * @internal
 */
export class RequestTaskLogs {
  static create(options: {
    viewer: RequestViewer;
    tasks: ScaffolderTasks;
  }): RequestTaskLogs {
    return new RequestTaskLogs(options.viewer, options.tasks);
  }

  private constructor(
    private readonly viewer: RequestViewer,
    private readonly tasks: ScaffolderTasks,
  ) {}

  async get(options: {
    idOrTrackingNumber: string;
    credentials: BackstageCredentials<BackstageUserPrincipal>;
  }): Promise<RequestTaskLog> {
    // Refuses, with a 404, whoever may not read the request.
    const request = await this.viewer.readable(options);
    if (!request.scaffolderTaskId) {
      throw new NotFoundError(
        `${request.trackingNumber} has no provisioning task`,
      );
    }
    try {
      return {
        taskId: request.scaffolderTaskId,
        lines: await this.tasks.log(request.scaffolderTaskId),
      };
    } catch (error) {
      if (error instanceof ScaffolderError && error.status === 404) {
        throw new NotFoundError(
          `The scaffolder no longer has the task of ${request.trackingNumber}`,
        );
      }
      throw error;
    }
  }
}
