import {
  AuditorService,
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { JsonObject, JsonValue } from '@backstage/types';
import {
  GateCheckBody,
  GateCheckResult,
  GateInitiator,
  OFFERING_KIND,
  TASK_MARKER_KEY,
  TaskMarker,
} from '@service-catalogue/plugin-service-catalogue-common';
import { GrantStore } from '../database/GrantStore';
import { GateTicketStore } from '../database/GateTicketStore';
import { RequestStore } from '../database/RequestStore';
import {
  ScaffolderTasks,
  TaskDescription,
} from '../fulfilment/ScaffolderTasks';
import { RequestNotifier } from '../requests/RequestNotifier';

/** The principal the backend starts its tasks as. */
const OWN_SUBJECT = 'plugin:service-catalogue';

type Verdict =
  | {
      allowed: true;
      purpose: TaskMarker['purpose'];
      trackingNumber: string;
      forUser: string;
    }
  | {
      allowed: false;
      reason: string;
      ownerRef?: string;
      /**
       * A task of the backend's own that lost its ticket to a later one (a
       * worker died after creating it): worth a log line, not an alarm.
       */
      superseded?: boolean;
    };

/**
 * The backend's half of the gate. Before a worker creates a provisioning or
 * revoke task it issues a one-time ticket for the run (in the
 * {@link GateTicketStore}); the gate step that
 * the template runs first asks {@link GateKeeper.check} whether its task
 * may go on. It may when the service catalogue created it, for the current
 * run of a request that is in progress or a grant being revoked, with
 * exactly the stored values, from the template the ticket was issued for,
 * and no other task passed with the ticket. Every answer is audited; a
 * refusal is also told to the offering's owners.
 *
 * @internal
 */
export class GateKeeper {
  static create(options: {
    tickets: GateTicketStore;
    requests: RequestStore;
    grants: GrantStore;
    tasks: ScaffolderTasks;
    catalog: CatalogService;
    auth: AuthService;
    auditor: AuditorService;
    notifier: RequestNotifier;
    logger: LoggerService;
  }): GateKeeper {
    return new GateKeeper(options);
  }

  private constructor(
    private readonly deps: {
      tickets: GateTicketStore;
      requests: RequestStore;
      grants: GrantStore;
      tasks: ScaffolderTasks;
      catalog: CatalogService;
      auth: AuthService;
      auditor: AuditorService;
      notifier: RequestNotifier;
      logger: LoggerService;
    },
  ) {}

  async check(body: GateCheckBody): Promise<GateCheckResult> {
    const initiator = describeInitiator(body.initiator);
    const event = await this.deps.auditor.createEvent({
      eventId: 'gate-check',
      severityLevel: 'high',
      meta: { taskId: body.taskId, initiator },
    });
    // An error on the way (the scaffolder or the database not answering)
    // reaches the gate step as a failed call, and it lets nothing through.
    let task: TaskDescription;
    let verdict: Verdict;
    try {
      task = await this.deps.tasks.describe(body.taskId);
      verdict = await this.judge(body, task);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
    const meta = { templateRef: task.templateRef ?? 'unknown' };
    if (verdict.allowed) {
      await event.success({
        meta: { ...meta, trackingNumber: verdict.trackingNumber },
      });
      return verdict;
    }
    await event.fail({
      error: new Error(`The gate refused the task: ${verdict.reason}`),
      meta,
    });
    this.deps.logger.warn(
      `The gate refused task ${body.taskId} of ${meta.templateRef} by ${initiator}: ${verdict.reason}`,
    );
    if (!verdict.superseded) {
      await this.tellOwners(task, verdict, initiator);
    }
    return { allowed: false, reason: verdict.reason };
  }

  private async judge(
    body: GateCheckBody,
    task: TaskDescription,
  ): Promise<Verdict> {
    const { initiator } = body;
    if (initiator.type !== 'service' || initiator.subject !== OWN_SUBJECT) {
      return {
        allowed: false,
        reason: `only the service catalogue may run this template, for an approved request; this task was created by ${describeInitiator(
          initiator,
        )}`,
      };
    }
    // The scaffolder records who created a task; the backend's own tasks
    // have nobody.
    if (task.createdBy) {
      return {
        allowed: false,
        reason: `only the service catalogue may run this template, for an approved request; this task was created by ${task.createdBy}`,
      };
    }
    const { [TASK_MARKER_KEY]: markerValue, ...values } = task.values;
    const marker = asMarker(markerValue);
    if (!marker) {
      return {
        allowed: false,
        reason: 'the task carries no service catalogue ticket',
      };
    }
    if (!task.templateRef) {
      return { allowed: false, reason: 'the task names no template' };
    }

    const subject = await this.subjectOf(marker);
    if (!subject) {
      return {
        allowed: false,
        reason: `the ticket names no ${
          marker.purpose === 'provision' ? 'request' : 'grant'
        } the service catalogue knows`,
      };
    }
    // The values first: a changed value is an attempt worth naming, whatever
    // state the request is in by now.
    const differing = differingKeys(values, subject.values);
    if (differing.length > 0) {
      return {
        allowed: false,
        ownerRef: subject.ownerRef,
        reason: `its values differ from those stored for ${
          subject.trackingNumber
        } (${differing.join(', ')})`,
      };
    }
    if (subject.notNow) {
      return {
        allowed: false,
        ownerRef: subject.ownerRef,
        reason: subject.notNow,
      };
    }
    const passed = await this.deps.tickets.pass({
      purpose: marker.purpose,
      subjectId: subject.id,
      run: marker.run,
      ticket: marker.ticket,
      taskId: body.taskId,
      templateRef: task.templateRef,
    });
    if (passed !== 'passed') {
      return {
        allowed: false,
        ownerRef: subject.ownerRef,
        superseded: passed === 'unknown' || passed === 'used',
        reason: {
          unknown: `its ticket is not the current one of ${subject.trackingNumber}`,
          'other-template': `${subject.trackingNumber} is not fulfilled by ${task.templateRef}`,
          used: `another task already ran for ${subject.trackingNumber} with its ticket`,
        }[passed],
      };
    }
    return {
      allowed: true,
      purpose: marker.purpose,
      trackingNumber: subject.trackingNumber,
      forUser: String(subject.values.forUser ?? ''),
    };
  }

  /**
   * The request or grant a marker names, the values a task for it must
   * carry, and why it may not be worked on now, if so.
   */
  private async subjectOf(marker: TaskMarker): Promise<
    | {
        id: string;
        trackingNumber: string;
        values: JsonObject;
        ownerRef: string;
        notNow?: string;
      }
    | undefined
  > {
    if (marker.purpose === 'provision') {
      const request = await this.deps.requests.getRequest(marker.requestId);
      if (!request) {
        return undefined;
      }
      return {
        id: request.id,
        trackingNumber: request.trackingNumber,
        values: request.formValues,
        ownerRef: request.offeringOwnerRef,
        notNow:
          request.state !== 'IN_PROGRESS' || request.fulfilment !== 'automatic'
            ? `${request.trackingNumber} is ${request.state}, not being provisioned`
            : undefined,
      };
    }
    const grant = marker.grantId
      ? await this.deps.grants.getGrant(marker.grantId)
      : undefined;
    if (!grant) {
      return undefined;
    }
    return {
      id: grant.id,
      trackingNumber: grant.trackingNumber,
      values: { forUser: grant.holderRef, reason: grant.endReason ?? null },
      ownerRef: grant.offeringOwnerRef,
      notNow:
        grant.state !== 'revoking'
          ? `the ${grant.offeringTitle} grant of ${grant.holderRef} is ${grant.state}, not being revoked`
          : undefined,
    };
  }

  private async tellOwners(
    task: TaskDescription,
    verdict: { reason: string; ownerRef?: string },
    initiator: string,
  ): Promise<void> {
    try {
      const owners = verdict.ownerRef
        ? [verdict.ownerRef]
        : await this.ownersOf(task.templateRef);
      await this.deps.notifier.send({
        to: owners,
        title: `The gate stopped a task of ${
          task.templateRef ?? 'an offering template'
        }`,
        description: `Started by ${initiator}: ${verdict.reason}. Nothing after the gate ran.`,
        link: '/service-catalogue',
        topic: 'service-catalogue-gate',
        // Repeated attempts on one template make one notification.
        scope: `gate:${task.templateRef ?? 'unknown'}`,
        about: `the gate of ${task.templateRef}`,
        severity: 'high',
      });
    } catch (error) {
      this.deps.logger.warn(
        `Could not tell the owners of ${task.templateRef} about a refused task: ${error}`,
      );
    }
  }

  /**
   * The owners of the offerings that run a template, or the template's own
   * owner when no offering names it.
   */
  private async ownersOf(templateRef: string | undefined): Promise<string[]> {
    if (!templateRef) {
      return [];
    }
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    const spellings = spellingsOf(templateRef);
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: [
          { kind: OFFERING_KIND, 'spec.template': spellings },
          { kind: OFFERING_KIND, 'spec.grant.revokeTemplate': spellings },
        ],
        fields: ['metadata.namespace', 'spec.owner'],
      },
      { credentials },
    );
    const owners = items.flatMap(entity =>
      ownerRefOf(entity.spec?.owner, entity.metadata.namespace),
    );
    if (owners.length > 0) {
      return owners;
    }
    const template = await this.deps.catalog.getEntityByRef(templateRef, {
      credentials,
    });
    return ownerRefOf(template?.spec?.owner, template?.metadata.namespace);
  }
}

/**
 * The ways an offering may name a template: in full, or without the kind,
 * or (in the default namespace) by its name alone.
 */
function spellingsOf(templateRef: string): string[] {
  const { namespace, name } = parseEntityRef(templateRef, {
    defaultKind: 'template',
  });
  return [
    `template:${namespace}/${name}`,
    `${namespace}/${name}`,
    ...(namespace === 'default' ? [name, `template:${name}`] : []),
  ];
}

function ownerRefOf(owner: unknown, namespace: string | undefined): string[] {
  if (typeof owner !== 'string') {
    return [];
  }
  try {
    return [
      stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: namespace,
        }),
      ).toLocaleLowerCase('en-US'),
    ];
  } catch {
    return [];
  }
}

function describeInitiator(initiator: GateInitiator): string {
  switch (initiator.type) {
    case 'service':
      return initiator.subject;
    case 'user':
      return initiator.userEntityRef;
    default:
      return 'nobody signed in';
  }
}

function asMarker(value: JsonValue | undefined): TaskMarker | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return undefined;
  }
  const { purpose, requestId, trackingNumber, run, ticket, grantId } = value;
  if (
    (purpose !== 'provision' && purpose !== 'revoke') ||
    typeof requestId !== 'string' ||
    typeof trackingNumber !== 'string' ||
    typeof run !== 'number' ||
    typeof ticket !== 'string' ||
    (grantId !== undefined && typeof grantId !== 'string')
  ) {
    return undefined;
  }
  return value as TaskMarker;
}

/** The top-level keys whose values differ, compared as JSON. */
function differingKeys(actual: JsonObject, expected: JsonObject): string[] {
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  return [...keys]
    .filter(key => canonical(actual[key]) !== canonical(expected[key]))
    .sort();
}

function canonical(value: JsonValue | undefined): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  return `{${Object.keys(value)
    .filter(key => value[key] !== undefined)
    .sort()
    .map(key => `${JSON.stringify(key)}:${canonical(value[key])}`)
    .join(',')}}`;
}
