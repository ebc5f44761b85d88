import { hours, percent, toCsv } from './csv';

describe('toCsv', () => {
  it('quotes what needs quoting and keeps formulas out of spreadsheets', () => {
    const rows = [
      { name: 'VPN, remote', note: 'said "yes"', count: 3 },
      { name: '=HYPERLINK("x")', note: 'two\nlines', count: -1 },
    ];
    expect(
      toCsv(
        [
          { title: 'Offering', value: r => r.name },
          { title: 'Note', value: r => r.note },
          { title: 'Count', value: r => r.count },
        ],
        rows,
      ),
    ).toBe(
      'Offering,Note,Count\r\n' +
        '"VPN, remote","said ""yes""",3\r\n' +
        `"'=HYPERLINK(""x"")","two\nlines",-1\r\n`,
    );
  });

  it('writes hours with one decimal and rates as percentages', () => {
    expect(hours(5_400_000)).toBe(1.5);
    expect(percent(0.8333)).toBe(83.3);
  });
});
