/**
 * What a ticket is for: provisioning a request, or revoking a grant.
 *
 * @internal
 */
export interface GateTicketKey {
  purpose: 'provision' | 'revoke';
  /** The request or grant id. */
  subjectId: string;
  run: number;
}

/**
 * The one-time tickets that let a scaffolder task through the gate. The
 * backend issues one for a run before it creates the run's task; the gate
 * step of the task spends it.
 *
 * @internal
 */
export interface GateTicketStore {
  /**
   * A fresh ticket for the run, replacing any earlier one of the subject;
   * or, when a task of this run already passed the gate (a worker died
   * after creating it), that task's id, to follow instead of starting one.
   * Refuses (ConflictError) a run older than the subject's last one.
   */
  issue(
    key: GateTicketKey & { templateRef: string },
  ): Promise<{ ticket: string } | { taskId: string }>;

  /**
   * Lets `taskId` through with `ticket`: `passed` when the ticket is the
   * run's current one and no other task passed with it (the same task
   * passing again, as after a scaffolder restart, is `passed` too),
   * `unknown` when it is not the current ticket, `other-template` when the
   * task runs another template than the one it was issued for, `used` when
   * another task passed with it.
   */
  pass(
    options: GateTicketKey & {
      ticket: string;
      taskId: string;
      templateRef: string;
    },
  ): Promise<'passed' | 'unknown' | 'other-template' | 'used'>;
}
