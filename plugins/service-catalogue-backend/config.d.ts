export interface Config {
  /** Settings of the service catalogue plugins. */
  serviceCatalogue?: {
    /**
     * The categories offerings are filed under. They form a tree through
     * `parent`; siblings are shown by ascending `order`.
     */
    categories?: Array<{
      /** Path-like id that offerings name in `spec.category`, such as `access/network`. */
      id: string;
      title: string;
      description?: string;
      /** Name of an icon known to the app, such as `group` or `kind:resource`. */
      icon?: string;
      /** Position among siblings, lowest first. Defaults to the position in this list. */
      order?: number;
      /** Id of the parent category. */
      parent?: string;
    }>;
    /** How requests are routed to the people who approve them. */
    approvals?: {
      /**
       * The annotation on a User entity that names their manager, for the
       * `manager` approver word. Defaults to `service-catalogue.io/manager`.
       */
      managerAnnotation?: string;
      /**
       * User and group entity refs asked instead of the manager when the
       * requester's User entity has no manager annotation, or names a
       * manager who is not in the catalog. Bare names are users in the
       * default namespace.
       */
      managerFallback?: string[];
      /**
       * User and group entity refs asked when nobody else can approve a stage,
       * for example when its group is empty or the requester is its only
       * member. Without them such requests are refused, never approved.
       * They are also whom a stage escalates to on timeout when its
       * `escalateTo` is missing or adds nobody; failing them, the members
       * of the offering's owner group. Bare names are users in the default
       * namespace.
       */
      fallbackApprovers?: string[];
      /**
       * When approvers of a stage with a `timeout` are reminded, as the
       * fraction of the timeout gone since the stage opened. Defaults to 0.5.
       */
      reminderAt?: number;
    };
    /**
     * SLA policies that offerings name in `spec.sla`. A request for an
     * offering that names a policy not defined here gets no SLA, and the
     * backend logs a warning naming the offering and the policy. Targets
     * count in the policy's calendar: a day is a working day, hours and
     * minutes are working hours and minutes.
     */
    sla?: Array<{
      id: string;
      title?: string;
      /**
       * Until the first human action (a decision, or the desk taking it),
       * as an ISO 8601 duration in days, hours and minutes such as `PT4H`.
       */
      responseTarget?: string;
      /** Until the request is done, as an ISO 8601 duration such as `P2D`. */
      resolutionTarget?: string;
      /** The id of a calendar of `serviceCatalogue.calendars`, or `always` (the default). */
      calendar?: string;
      /** The fraction of a target after which people are warned. Defaults to 0.75. */
      warnAt?: number;
      /** User and group entity refs also warned, besides those working on the request and its offering's owners. */
      notify?: string[];
      /** User and group entity refs told when a target is breached. */
      escalateTo?: string[];
    }>;
    /**
     * Working calendars for SLA policies. `always` (every minute counts) is
     * built in.
     */
    calendars?: Array<{
      id: string;
      /** An IANA time zone such as `Europe/Paris`. Defaults to `UTC`. */
      timeZone?: string;
      /** Lower-case day names. Defaults to Monday to Friday. */
      workingDays?: string[];
      /** Local times of day `HH:MM`. Default 09:00 to 17:00. */
      workingHours?: { start?: string; end?: string };
      /** Days off as ISO dates such as `2026-12-25`, in the calendar's zone. */
      holidays?: string[];
    }>;
    /** The service desk, which raises `desk` offerings for others and sees internal comments. */
    desk?: {
      /** Group entity refs whose members work on the service desk. */
      groups?: string[];
    };
    /** Requests raised for colleagues, where an offering's request mode is `delegated`. */
    delegation?: {
      /**
       * User and group entity refs of key users, who may request `delegated`
       * offerings for anyone; managers may always request for their reports.
       */
      keyUsers?: string[];
    };
    /** How approved automatic requests are provisioned. */
    fulfilment?: {
      /**
       * How often the backend starts the scaffolder tasks of approved
       * requests and checks on running ones, as an ISO 8601 duration such as
       * `PT10S` or an object such as `{ seconds: 10 }`. Defaults to 10
       * seconds.
       */
      frequency?: string | { [unit: string]: number };
    };
    /** The job that acts on approval deadlines and SLA targets. */
    deadlines?: {
      /**
       * How often it looks for stages to remind or time out and SLA targets
       * to warn about or escalate, as an ISO 8601 duration such as `PT1M`
       * or an object such as `{ minutes: 1 }`. Defaults to a minute.
       */
      frequency?: string | { [unit: string]: number };
    };
    /** Grants: access that fulfilled requests leave behind. */
    grants?: {
      /**
       * How long before a grant expires its holder is reminded, as an ISO
       * 8601 duration such as `P7D` or an object such as `{ days: 7 }`.
       * Defaults to seven days.
       */
      reminderBefore?: string | { [unit: string]: number };
    };
    /** Access reviews: campaigns that recertify who holds what. */
    reviews?: {
      /**
       * How often the job opens the campaigns offerings' `spec.review` make
       * due, reminds reviewers and closes campaigns at their deadline, as an
       * ISO 8601 duration such as `PT1M` or an object such as
       * `{ minutes: 1 }`. Defaults to a minute.
       */
      frequency?: string | { [unit: string]: number };
      /**
       * How long before a campaign's deadline its reviewers with undecided
       * lines are reminded, once, as an ISO 8601 duration such as `P3D` or
       * an object such as `{ days: 3 }`. Defaults to three days.
       */
      reminderBefore?: string | { [unit: string]: number };
    };
    /**
     * Joiners, movers, leavers and swaps: the job that keeps access in line
     * with the catalog's users and groups.
     */
    reconciliation?: {
      /**
       * How often it runs, as an ISO 8601 duration such as `PT5M` or an
       * object such as `{ minutes: 5 }`. Defaults to five minutes.
       */
      frequency?: string | { [unit: string]: number };
      /**
       * The most people one run takes everything away from. More at once
       * looks like a broken catalog rather than a wave of leavers: the run
       * revokes nothing and logs an error. Defaults to 25.
       */
      maxDeparturesPerRun?: number;
    };
  };
}
