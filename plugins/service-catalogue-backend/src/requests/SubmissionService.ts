import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { JsonObject, JsonValue } from '@backstage/types';
import {
  AnticipatedApprovers,
  OfferingEntityV1alpha1,
  RequestOptions,
  ServiceRequest,
  serviceCatalogueRequestCreatePermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { OfferingCatalogue } from '../catalogue/OfferingCatalogue';
import { NewRequestStage } from '../database/RequestStore';
import { managerRefOf } from '../routing/ApproverResolver';
import { audited } from './audit';
import { FOR_USER_FIELD, FormValidator } from './FormValidator';
import { Fulfillers } from './Fulfillers';
import { fulfilmentOf, grantOf, offeringTitle, ownerOf } from './offeringSpec';
import { People } from './People';
import { normalizeRef, offeringRefOf, userRefOf } from './refs';
import { UseCaseDeps, UserCredentials } from './useCase';
import { SlaPolicies } from '../time/SlaPolicies';

/** Resolves an offering's approval stages for a requester. */
export interface StageResolver {
  resolveStages(options: {
    offering: OfferingEntityV1alpha1;
    requesterRef: string;
    submitterRef?: string;
  }): Promise<NewRequestStage[]>;
}

/** What SubmissionService works with. */
type SubmissionServiceDeps = UseCaseDeps & {
  offerings: OfferingCatalogue;
  stages: StageResolver;
  catalog: CatalogService;
  people: People;
  fulfillers: Fulfillers;
  slaPolicies: SlaPolicies;
  logger: LoggerService;
};

/**
 * Raising a request: whom the caller may raise one for, whom it would go
 * to, and submitting it with its form checked on the server.
 *
 * @internal
 */
export class SubmissionService {
  static create(deps: SubmissionServiceDeps): SubmissionService {
    return new SubmissionService(deps);
  }

  private readonly forms = new FormValidator();

  private constructor(private readonly deps: SubmissionServiceDeps) {}

  /** The approvers a request would go to, before submitting it. */
  async anticipateApprovers(options: {
    offeringRef: string;
    forUserRef?: string;
    credentials: UserCredentials;
  }): Promise<AnticipatedApprovers> {
    const offering = await this.deps.offerings.getOfferingEntity({
      entityRef: offeringRefOf(options.offeringRef),
      credentials: options.credentials,
    });
    const requesterRef = await this.checkWhoFor(
      offering,
      options.forUserRef,
      options.credentials,
    );
    return {
      requesterRef,
      stages: await this.deps.stages.resolveStages({
        offering,
        requesterRef,
        submitterRef: userRefOf(options.credentials),
      }),
    };
  }

  /**
   * Whom the caller may request an offering for: what `submit` would
   * accept, so that the form is only offered where it can succeed.
   */
  async requestOptions(options: {
    offeringRef: string;
    credentials: UserCredentials;
  }): Promise<RequestOptions> {
    const offering = await this.deps.offerings.getOfferingEntity({
      entityRef: offeringRefOf(options.offeringRef),
      credentials: options.credentials,
    });
    const { people } = this.deps;
    const mode = offering.spec.requestMode ?? 'self-service';
    if (mode === 'desk') {
      const desk = await people.isMemberOfAny(
        options.credentials,
        this.deps.fulfillers.deskGroups,
      );
      return desk
        ? { forSelf: true, forOthers: true }
        : {
            forSelf: false,
            forOthers: false,
            explanation: `${offeringTitle(
              offering,
            )} is requested through the service desk; ask them to raise it for you`,
          };
    }
    if (mode === 'self-service') {
      return { forSelf: true, forOthers: false };
    }
    const forOthers =
      (await people.isMemberOfAny(options.credentials, people.keyUsers)) ||
      (await people.managesSomeone(userRefOf(options.credentials)));
    return { forSelf: true, forOthers };
  }

  async submit(options: {
    offeringRef: string;
    forUserRef?: string;
    formValues: JsonObject;
    credentials: UserCredentials;
  }): Promise<ServiceRequest> {
    const submittedByRef = userRefOf(options.credentials);
    return audited(
      this.deps.auditor,
      {
        eventId: 'request-submit',
        meta: { offeringRef: options.offeringRef, actorRef: submittedByRef },
      },
      async () => {
        await this.deps.access.require(
          serviceCatalogueRequestCreatePermission,
          options.credentials,
        );
        const offering = await this.deps.offerings.getOfferingEntity({
          entityRef: offeringRefOf(options.offeringRef),
          credentials: options.credentials,
        });
        if (offering.spec.available === false) {
          throw new InputError(
            `${offeringTitle(offering)} is not available for requests`,
          );
        }
        const requesterRef = await this.checkWhoFor(
          offering,
          options.forUserRef,
          options.credentials,
        );

        const formValues: JsonObject = {
          ...options.formValues,
          [FOR_USER_FIELD]: requesterRef,
        };
        this.forms.validate(
          await this.formOf(offering, options.credentials),
          formValues,
        );

        const stages = await this.deps.stages.resolveStages({
          offering,
          requesterRef,
          submitterRef: submittedByRef,
        });
        const { request } = await this.deps.lifecycle.createRequest({
          offeringRef: stringifyEntityRef(offering).toLocaleLowerCase('en-US'),
          offeringTitle: offeringTitle(offering),
          offeringOwnerRef: ownerOf(offering),
          requesterRef,
          submittedByRef,
          formValues,
          stages,
          slaPolicy: this.slaPolicyOf(offering),
          ...fulfilmentOf(offering),
          ...grantOf(offering),
        });

        this.deps.notifier.later(request.trackingNumber, async notifier => {
          await notifier.tell(request, {
            to: [request.requesterRef, request.submittedByRef],
            title: `${request.trackingNumber} submitted: ${request.offeringTitle}`,
            description:
              request.state === 'PENDING_APPROVAL'
                ? 'Your request waits for approval.'
                : 'Your request needs no approval and is being fulfilled.',
          });
          await notifier.askApprovers(request);
        });
        return request;
      },
    );
  }

  /** The offering's SLA policy; an unknown one is logged, not promised. */
  private slaPolicyOf(offering: OfferingEntityV1alpha1) {
    const id = offering.spec.sla;
    if (!id) {
      return undefined;
    }
    const policy = this.deps.slaPolicies.find(id);
    if (!policy) {
      this.deps.logger.warn(
        `${stringifyEntityRef(
          offering,
        )} names the SLA policy ${id}, which serviceCatalogue.sla does not define; its requests get no SLA until it does`,
      );
    }
    return policy;
  }

  /**
   * Who the request is for, after checking the offering's request mode and
   * audience: `self-service` only for oneself; `delegated` also for the
   * people one manages, or for anyone by a key user; `desk` only by the
   * service desk, for anyone.
   */
  private async checkWhoFor(
    offering: OfferingEntityV1alpha1,
    forUserRef: string | undefined,
    credentials: UserCredentials,
  ): Promise<string> {
    const { people } = this.deps;
    const submitterRef = userRefOf(credentials);
    const requesterRef = forUserRef
      ? normalizeRef(forUserRef, { field: 'forUser', defaultKind: 'user' })
      : submitterRef;
    const forSelf = requesterRef === submitterRef;
    const requester = forSelf
      ? undefined
      : await people.knownUser(requesterRef);
    const mode = offering.spec.requestMode ?? 'self-service';
    const title = offeringTitle(offering);

    if (mode === 'desk') {
      if (
        !(await people.isMemberOfAny(
          credentials,
          this.deps.fulfillers.deskGroups,
        ))
      ) {
        throw new NotAllowedError(
          `${title} is requested through the service desk; ask them to raise it for you`,
        );
      }
    } else if (!forSelf) {
      if (mode === 'self-service') {
        throw new NotAllowedError(
          `${title} can only be requested by the person who needs it (forUser)`,
        );
      }
      const manager = requester
        ? managerRefOf(requester, people.managerAnnotation)
        : undefined;
      const manages =
        manager !== undefined &&
        stringifyEntityRef(manager).toLocaleLowerCase('en-US') === submitterRef;
      if (
        !manages &&
        !(await people.isMemberOfAny(credentials, people.keyUsers))
      ) {
        throw new NotAllowedError(
          `Only ${requesterRef}'s manager or a key user can request ${title} for them (forUser)`,
        );
      }
    }

    if (!(await this.deps.offerings.isInAudience(offering, requesterRef))) {
      throw new NotAllowedError(
        `${title} is not offered to ${forSelf ? 'you' : requesterRef}`,
      );
    }
    return requesterRef;
  }

  /**
   * The form a request for the offering is checked against, read with the
   * caller's credentials as submitting reads it.
   */
  async form(options: {
    offeringRef: string;
    credentials: UserCredentials;
  }): Promise<JsonValue | undefined> {
    const offering = await this.deps.offerings.getOfferingEntity({
      entityRef: offeringRefOf(options.offeringRef),
      credentials: options.credentials,
    });
    return this.formOf(offering, options.credentials);
  }

  /** The template's parameters, or the offering's inline form. */
  private async formOf(
    offering: OfferingEntityV1alpha1,
    credentials: UserCredentials,
  ): Promise<JsonValue | undefined> {
    if (!offering.spec.template) {
      return offering.spec.form;
    }
    const template = await this.deps.catalog.getEntityByRef(
      parseEntityRef(offering.spec.template, {
        defaultKind: 'template',
        defaultNamespace: offering.metadata.namespace,
      }),
      { credentials },
    );
    if (!template) {
      throw new NotFoundError(
        `The form of ${offeringTitle(offering)} is missing: no template ${
          offering.spec.template
        }`,
      );
    }
    return template.spec?.parameters as JsonValue | undefined;
  }
}
