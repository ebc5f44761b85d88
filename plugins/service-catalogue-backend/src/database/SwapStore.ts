import {
  Departure,
  Swap,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * One holder of a swap: `waiting` until their request for the new offering
 * is raised and their old grant is ending (`moved`), or that `failed`.
 *
 * @internal
 */
export interface SwapItem {
  swapId: string;
  grantId: string;
  holderRef: string;
  state: 'waiting' | 'moved' | 'failed';
}

/**
 * Where what the reconciliation did lives: the record of what was taken
 * from people who left, and the swaps that move every holder of one
 * offering to another.
 *
 * @internal
 */
export interface SwapStore {
  recordDeparture(departure: Omit<Departure, 'id'>): Promise<Departure>;

  listDepartures(options: { limit: number }): Promise<Departure[]>;

  /**
   * Starts moving every active holder of one offering to another: one item
   * per holder, `running` until each moved or failed; `done` at once when
   * there are none.
   */
  createSwap(options: {
    fromOfferingRef: string;
    toOfferingRef: string;
    actorRef: string;
  }): Promise<Swap>;

  getSwap(id: string): Promise<Swap | undefined>;

  /** Holders of running swaps still to move, oldest swap first. */
  listWaitingSwapItems(options: {
    limit: number;
  }): Promise<Array<SwapItem & { swap: Swap }>>;

  /** Records how moving one holder ended; the last one finishes the swap. */
  finishSwapItem(options: {
    swapId: string;
    grantId: string;
    state: 'moved' | 'failed';
    requestId?: string;
    failure?: string;
  }): Promise<void>;
}
