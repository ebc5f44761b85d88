// The table a run prints. Ratios carry the meaning: absolute figures move
// with whatever else the shared machine is doing.

const fmt = x => (x === undefined || Number.isNaN(x) ? '-' : String(x));
const pad = (text, width) => String(text).padEnd(width);

function table(rows) {
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map(r => String(r[c]).length)),
  );
  return rows
    .map(r => r.map((cell, c) => pad(cell, widths[c])).join('  '))
    .join('\n');
}

export function printTable(run) {
  console.log(
    `\nBenchmark of ${run.commit.slice(0, 12)}${
      run.dirty ? ' (with uncommitted changes)' : ''
    }, ${run.machine.cpus} CPUs, Node ${run.machine.node}`,
  );
  for (const db of run.databases) {
    for (const figures of db.sizes) {
      console.log(
        `\n== ${db.database}, ${figures.size} requests (seeded in ${figures.seedSeconds} s)`,
      );
      if (!figures.submit) {
        continue;
      }
      console.log(
        table([
          [
            'clients',
            'insert/s',
            'p50',
            'p99',
            'scaffolder/s',
            'p50',
            'p99',
            'submit/s',
            'p50',
            'p99',
            'submit÷scaffolder',
            'submit÷insert',
            'failed i/s/s',
          ],
          ...figures.submit.map(l => [
            l.clients,
            l.insert.perSecond,
            l.insert.p50,
            l.insert.p99,
            l.scaffolder.perSecond,
            l.scaffolder.p50,
            l.scaffolder.p99,
            l.submit.perSecond,
            l.submit.p50,
            l.submit.p99,
            `${l.submitVsScaffolder}×`,
            `${l.submitVsInsert}×`,
            `${l.insert.errors}/${l.scaffolder.errors}/${l.submit.errors}`,
          ]),
        ]),
      );
      const d = figures.decide;
      if (!d) {
        continue;
      }
      console.log(
        `decide (16 clients): ${d.perSecond}/s, p50 ${d.p50} ms, p99 ${d.p99} ms, ${d.errors} failed`,
      );
    }
    const first = db.sizes[0];
    const rows = [
      [
        'list (first page)',
        ...db.sizes.flatMap(s => [`p50@${s.size}`, `p99@${s.size}`]),
        'items',
        `p50 ÷ p50@${first?.size}`,
      ],
    ];
    for (const name of Object.keys(first?.lists ?? {})) {
      const cells = db.sizes.flatMap(s => {
        const l = s.lists[name];
        return l.error ? ['error', '-'] : [fmt(l.p50), fmt(l.p99)];
      });
      const last = db.sizes[db.sizes.length - 1].lists[name];
      const base = first.lists[name];
      const growth =
        last.p50 !== undefined && base.p50
          ? `${Math.round((last.p50 / base.p50) * 100) / 100}×`
          : '-';
      const items = last.error
        ? last.error.slice(0, 60)
        : `${fmt(last.items)}${last.paged ? '' : ' (whole list)'}`;
      rows.push([name, ...cells, items, growth]);
    }
    console.log(`\n== ${db.database}: lists, latency in ms`);
    console.log(table(rows));
  }
}
