import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { Grant } from '@service-catalogue/plugin-service-catalogue-common';
import { GateTicketStore } from '../database/GateTicketStore';
import { GrantStore, RevocationClaim } from '../database/GrantStore';
import { RequestNotifier } from '../requests/RequestNotifier';
import { ScaffolderError, ScaffolderTasks } from './ScaffolderTasks';

/**
 * Runs the revoke templates of ending grants, exactly once per run, the way
 * the fulfilment worker runs provisioning (see there): claim, issue the
 * run's gate ticket or adopt the task that passed with it, start, record;
 * then follow the task and end the grant, or keep it `revoking` with the
 * reason it failed, for an owner to revoke again.
 *
 * @internal
 */
export class RevocationWorker {
  constructor(
    private readonly grants: GrantStore,
    private readonly tickets: GateTicketStore,
    private readonly tasks: ScaffolderTasks,
    private readonly notifier: RequestNotifier,
    private readonly logger: LoggerService,
    private readonly leaseMs: number,
    private readonly retryAfterMs: number,
    private readonly clock: () => Date,
  ) {}

  async run(worker: string): Promise<void> {
    const seen = new Set<string>();
    for (;;) {
      const claims = await this.grants.claimRevocations({
        worker,
        leaseMs: this.leaseMs,
        limit: 5,
        excludeIds: [...seen],
        now: this.clock(),
      });
      if (claims.length === 0) {
        break;
      }
      for (const claim of claims) {
        seen.add(claim.grant.id);
        await this.start(claim, worker);
      }
    }
    for (const grant of await this.grants.listRevoking({ limit: 100 })) {
      await this.follow(grant);
    }
  }

  private async start(claim: RevocationClaim, worker: string): Promise<void> {
    const { grant } = claim;
    try {
      const issued = await this.tickets.issue({
        purpose: 'revoke',
        subjectId: grant.id,
        run: claim.run,
        templateRef: claim.revokeTemplateRef,
      });
      const taskId =
        'taskId' in issued
          ? issued.taskId
          : await this.tasks.start({
              templateRef: claim.revokeTemplateRef,
              values: { forUser: grant.holderRef, reason: grant.endReason! },
              marker: {
                purpose: 'revoke',
                requestId: grant.requestId,
                trackingNumber: grant.trackingNumber,
                grantId: grant.id,
                run: claim.run,
                ticket: issued.ticket,
              },
            });
      await this.grants.recordRevokeTask({
        grantId: grant.id,
        worker,
        taskId,
      });
    } catch (error) {
      if (error instanceof ScaffolderError && error.permanent) {
        await this.failed(grant, { message: error.message });
        return;
      }
      this.logger.warn(
        `Could not start revoking ${grant.offeringTitle} of ${grant.holderRef}: ${error}`,
      );
      await this.grants
        .releaseRevocationClaim({
          grantId: grant.id,
          worker,
          retryAfterMs: this.retryAfterMs,
          now: this.clock(),
        })
        .catch(() => undefined);
    }
  }

  private async follow(grant: Grant): Promise<void> {
    const taskId = grant.revokeTaskId!;
    try {
      const status = await this.tasks.status(taskId);
      if (status === 'completed') {
        const ended = await this.grants.finishRevocation({ grantId: grant.id });
        await this.notifier.send({
          to: [ended.holderRef],
          title: `Your access ended: ${ended.offeringTitle}`,
          description: describeEnd(ended),
          link: '/service-catalogue/access',
          topic: 'service-catalogue-grant',
          scope: ended.id,
          about: `grant ${ended.id}`,
        });
      } else if (status === 'failed' || status === 'cancelled') {
        await this.failed(grant, await this.tasks.failure(taskId));
      }
    } catch (error) {
      if (error instanceof ConflictError) {
        return;
      }
      this.logger.warn(
        `Could not follow revoke task ${taskId} of grant ${grant.id}: ${error}`,
      );
    }
  }

  private async failed(
    grant: Grant,
    failure: { stepId?: string; message: string },
  ): Promise<void> {
    try {
      await this.grants.failRevocation({ grantId: grant.id, failure });
      // Access may still be there: the owners must look.
      await this.notifier.send({
        to: [grant.offeringOwnerRef],
        title: `Revoking ${grant.offeringTitle} of ${grant.holderRef} failed`,
        description: failure.stepId
          ? `Step ${failure.stepId}: ${failure.message}`
          : failure.message,
        link: `/service-catalogue/requests/${grant.trackingNumber}`,
        topic: 'service-catalogue-grant',
        scope: grant.id,
        about: `grant ${grant.id}`,
        severity: 'high',
      });
    } catch (error) {
      this.logger.warn(
        `Could not record the failed revocation of grant ${grant.id}: ${error}`,
      );
    }
  }
}

const END_REASONS: Record<NonNullable<Grant['endReason']>, string> = {
  revoked: 'It was revoked.',
  expired: 'It expired.',
  'given-up': 'You gave it up.',
  left: 'You left the organisation.',
  moved: 'You left the group that gave it to its members.',
  swapped: 'Its owners replaced it with another offering.',
  reviewed: 'An access review revoked it.',
};

/** Why a grant ended, in words for its holder. */
export function describeEnd(grant: Grant): string {
  return grant.endReason ? END_REASONS[grant.endReason] : '';
}
