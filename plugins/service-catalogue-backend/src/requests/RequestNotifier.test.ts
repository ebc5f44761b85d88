import { mockServices } from '@backstage/backend-test-utils';
import { ServiceRequest } from '@service-catalogue/plugin-service-catalogue-common';
import { RequestNotifier } from './RequestNotifier';

const request = {
  id: 'r1',
  trackingNumber: 'REQ-000001',
  requesterRef: 'user:default/grace',
  submittedByRef: 'user:default/grace',
  stages: [],
  state: 'APPROVED',
  version: 2,
} as unknown as ServiceRequest;

function setup() {
  let release: () => void = () => {};
  const notifications = {
    send: jest.fn(
      () =>
        new Promise<void>(resolve => {
          release = resolve;
        }),
    ),
  };
  const signals = { publish: jest.fn(async () => {}) };
  const logger = mockServices.logger.mock();
  const notifier = RequestNotifier.create({
    notifications: notifications as any,
    signals: signals as any,
    logger,
  });
  return { notifier, notifications, signals, logger, release: () => release() };
}

describe('RequestNotifier.later', () => {
  it('returns before the notification is out, and settles once it is', async () => {
    const { notifier, notifications, signals, release } = setup();
    notifier.later(request.trackingNumber, n =>
      n.tell(request, { to: [request.requesterRef], title: 'approved' }),
    );
    let settled = false;
    const done = notifier.settled().then(() => {
      settled = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(signals.publish).not.toHaveBeenCalled();
    expect(settled).toBe(false);

    release();
    await done;
    expect(signals.publish).toHaveBeenCalledTimes(1);
  });

  it('logs what fails rather than dropping it in silence', async () => {
    const { notifier, logger } = setup();
    notifier.later(request.trackingNumber, async () => {
      throw new Error('the notifications backend is down');
    });
    await notifier.settled();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/REQ-000001.*notifications backend is down/),
    );
  });

  it('stops waiting after its time limit and logs how many it dropped', async () => {
    jest.useFakeTimers();
    try {
      const { notifier, logger, release } = setup();
      notifier.later('REQ-000001', n =>
        n.tell(request, { to: [request.requesterRef], title: 'approved' }),
      );
      notifier.later('REQ-000002', n =>
        n.tell(request, { to: [request.requesterRef], title: 'approved' }),
      );
      let settled = false;
      const done = notifier.settled({ timeoutMs: 10_000 }).then(() => {
        settled = true;
      });
      await jest.advanceTimersByTimeAsync(9_999);
      expect(settled).toBe(false);

      await jest.advanceTimersByTimeAsync(1);
      await done;
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/2 not sent/),
      );
      release();
    } finally {
      jest.useRealTimers();
    }
  });
});
