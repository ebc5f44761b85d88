import {
  formatApproximateDuration,
  formatDuration,
  parseIsoDuration,
} from './durations';

describe('parseIsoDuration', () => {
  it('reads every component', () => {
    expect(parseIsoDuration('P1Y2M3W4DT5H6M7S')).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7,
    });
  });

  it('tells minutes from months by the time designator', () => {
    expect(parseIsoDuration('PT30M')).toMatchObject({ months: 0, minutes: 30 });
    expect(parseIsoDuration('P30M')).toMatchObject({ months: 30, minutes: 0 });
  });

  it('accepts decimal fractions with a point or a comma', () => {
    expect(parseIsoDuration('PT1.5H')).toMatchObject({ hours: 1.5 });
    expect(parseIsoDuration('PT1,5H')).toMatchObject({ hours: 1.5 });
  });

  it.each(['', 'P', 'PT', 'P1DT', '4 hours', 'PT4', 'P-1D', 'P1H'])(
    'rejects %j',
    text => {
      expect(parseIsoDuration(text)).toBeUndefined();
    },
  );
});

describe('formatApproximateDuration', () => {
  it.each([
    ['PT4H', 'about 4 hours'],
    ['P2D', 'about 2 days'],
    ['PT1H', 'about 1 hour'],
    ['P1D', 'about 1 day'],
    ['PT30M', 'about 30 minutes'],
    ['PT1M', 'about 1 minute'],
    ['PT90M', 'about 2 hours'],
    ['P1DT20H', 'about 2 days'],
    ['P1DT2H', 'about 1 day'],
    ['PT23H40M', 'about 1 day'],
    ['PT59M50S', 'about 1 hour'],
    ['P1W', 'about 7 days'],
    ['P10D', 'about 10 days'],
    ['P1M', 'about 1 month'],
    ['P3M', 'about 3 months'],
    ['P1Y', 'about 1 year'],
    ['PT45S', 'less than a minute'],
    ['PT0S', 'immediately'],
  ])('formats %s as %j', (iso, text) => {
    expect(formatApproximateDuration(iso)).toBe(text);
  });

  it('gives up on text that is not a duration', () => {
    expect(formatApproximateDuration('tomorrow')).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    ['P90D', '90 days'],
    ['P1D', '1 day'],
    ['PT8H', '8 hours'],
    ['P1Y6M', '1 year 6 months'],
    ['P2W', '2 weeks'],
    ['P1DT12H', '1 day 12 hours'],
    ['PT0S', 'no time'],
  ])('spells %s out as %j', (iso, text) => {
    expect(formatDuration(iso)).toBe(text);
  });

  it('gives up on text that is not a duration', () => {
    expect(formatDuration('90 days')).toBeUndefined();
  });
});
