import { ConfigReader } from '@backstage/config';
import { SlaPolicies } from './SlaPolicies';

const calendar = {
  id: 'office',
  timeZone: 'Europe/Paris',
  workingDays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  workingHours: { start: '09:00', end: '17:00' },
  holidays: ['2026-12-25'],
};

function policies(serviceCatalogue: object) {
  return SlaPolicies.fromConfig(new ConfigReader({ serviceCatalogue }));
}

describe('SlaPolicies', () => {
  it('reads policies with their calendars, defaults and normalised refs', () => {
    const read = policies({
      calendars: [calendar],
      sla: [
        {
          id: 'standard',
          title: 'Standard',
          responseTarget: 'PT4H',
          resolutionTarget: 'P2D',
          calendar: 'office',
          escalateTo: ['group:default/IT-Managers', 'carol'],
        },
        { id: 'fast', resolutionTarget: 'PT1H' },
      ],
    });
    const standard = read.find('standard')!;
    expect(standard.calendar.spec).toEqual({
      id: 'office',
      timeZone: 'Europe/Paris',
      workingDays: [1, 2, 3, 4, 5],
      startMinute: 540,
      endMinute: 1020,
      holidays: ['2026-12-25'],
    });
    expect(standard.warnAt).toBe(0.75);
    expect(standard.escalateTo).toEqual([
      'group:default/it-managers',
      'user:default/carol',
    ]);
    const fast = read.find('fast')!;
    expect(fast.calendar.spec.id).toBe('always');
    expect(fast.title).toBe('fast');
    expect(fast.responseTarget).toBeUndefined();
  });

  it('knows no policy the deployment did not define', () => {
    expect(policies({}).find('gold')).toBeUndefined();
  });

  it.each([
    [
      'an unknown calendar',
      { sla: [{ id: 'a', resolutionTarget: 'PT1H', calendar: 'nope' }] },
      'serviceCatalogue.sla[0]: SLA policy a names calendar nope',
    ],
    [
      'a target that is no duration',
      { sla: [{ id: 'a', resolutionTarget: '4 hours' }] },
      'serviceCatalogue.sla[0].resolutionTarget: 4 hours is not an ISO 8601 duration',
    ],
    [
      'a target in months',
      { sla: [{ id: 'a', resolutionTarget: 'P1M' }] },
      'serviceCatalogue.sla[0].resolutionTarget: P1M is not an ISO 8601 duration',
    ],
    [
      'no target',
      { sla: [{ id: 'a' }] },
      'needs a responseTarget, a resolutionTarget or both',
    ],
    [
      'a warning point outside 0 to 1',
      { sla: [{ id: 'a', resolutionTarget: 'PT1H', warnAt: 75 }] },
      'serviceCatalogue.sla[0].warnAt: must be a fraction',
    ],
    [
      'an unknown time zone',
      { calendars: [{ ...calendar, timeZone: 'Mars/Olympus' }] },
      'serviceCatalogue.calendars[0].timeZone: Mars/Olympus is not a known time zone',
    ],
    [
      'a misspelt working day',
      { calendars: [{ ...calendar, workingDays: ['moonday'] }] },
      'serviceCatalogue.calendars[0].workingDays: moonday is not a day of the week',
    ],
    [
      'hours that end before they start',
      {
        calendars: [
          { ...calendar, workingHours: { start: '17:00', end: '09:00' } },
        ],
      },
      'serviceCatalogue.calendars[0].workingHours: the end must come after the start',
    ],
    [
      'a holiday that is no date',
      { calendars: [{ ...calendar, holidays: ['25 December'] }] },
      'serviceCatalogue.calendars[0].holidays: 25 December is not an ISO date',
    ],
    [
      'a holiday as an ISO week date',
      { calendars: [{ ...calendar, holidays: ['2026-W52-5'] }] },
      'serviceCatalogue.calendars[0].holidays: 2026-W52-5 is not an ISO date',
    ],
    [
      'a second always',
      { calendars: [{ ...calendar, id: 'always' }] },
      'calendar always is defined twice',
    ],
  ])('stops at start-up on %s', (_, config, message) => {
    expect(() => policies(config)).toThrow(message);
  });
});
