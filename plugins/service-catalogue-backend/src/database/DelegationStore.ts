import { ApprovalDelegation } from '@service-catalogue/plugin-service-catalogue-common';

/** @internal */
export type Delegation = ApprovalDelegation;

/**
 * Where approvers' delegations live: who decides for them, and when.
 *
 * @internal
 */
export interface DelegationStore {
  addDelegation(delegation: Omit<Delegation, 'id'>): Promise<Delegation>;

  removeDelegation(options: { id: string; approverRef: string }): Promise<void>;

  listDelegations(options: { approverRef: string }): Promise<Delegation[]>;

  /** The approvers for whom this user may decide at this moment. */
  listDelegatorsOf(options: {
    delegateRef: string;
    at: Date;
  }): Promise<string[]>;
}
