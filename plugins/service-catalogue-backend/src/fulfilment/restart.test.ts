import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { DatabaseGateTicketStore } from '../database/DatabaseGateTicketStore';
import { DatabaseRequestStore } from '../database/DatabaseRequestStore';
import { DatabaseGrantStore } from '../database/DatabaseGrantStore';
import { applyDatabaseMigrations } from '../database/migrations';
import { RequestLifecycle } from '../requests/RequestLifecycle';

jest.setTimeout(180_000);

// Exactly once across a real crash: a backend process is killed with
// SIGKILL in the middle of a fulfilment pass, and a process started after
// it finishes the work, starting no task twice. PostgreSQL only: it is where
// separate processes share one database.

const databases = TestDatabases.create();

type Task = {
  id: string;
  createdAt: string;
  status: string;
  spec: { parameters: Record<string, any> };
};

/**
 * The scaffolder's task API as the worker uses it. A created task runs its
 * gate step at once, spending the run's ticket as the real gate does.
 * `onStart` runs when a task is asked for: it may kill the process that
 * asked, before or after the task exists.
 */
class FakeScaffolder {
  readonly tasks: Task[] = [];
  onStart?: (phase: 'before' | 'after') => Promise<void>;

  constructor(private readonly tickets: DatabaseGateTicketStore) {}
  private server = http.createServer((req, res) => this.handle(req, res));

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  close() {
    this.server.closeAllConnections();
    this.server.close();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url!, 'http://localhost');
    const json = (status: number, body: unknown) => {
      if (!res.destroyed) {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      }
    };
    if (req.method === 'POST' && url.pathname === '/v2/tasks') {
      let raw = '';
      for await (const chunk of req) {
        raw += chunk;
      }
      await this.onStart?.('before');
      const task: Task = {
        id: `task-${this.tasks.length + 1}`,
        createdAt: new Date().toISOString(),
        status: 'processing',
        spec: { parameters: JSON.parse(raw).values },
      };
      this.tasks.push(task);
      const marker = task.spec.parameters.serviceCatalogue;
      await this.tickets.pass({
        purpose: marker.purpose,
        subjectId: marker.requestId,
        run: marker.run,
        ticket: marker.ticket,
        taskId: task.id,
        templateRef: JSON.parse(raw).templateRef,
      });
      await this.onStart?.('after');
      json(201, { id: task.id });
      return;
    }
    const task = this.tasks.find(t => url.pathname === `/v2/tasks/${t.id}`);
    json(task ? 200 : 404, task ?? { error: { message: 'no such task' } });
  }
}

/** Starts a process that runs one fulfilment pass. */
function startProcess(connection: unknown, scaffolderUrl: string) {
  const child = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('sucrase/register/ts'),
      require.resolve('../__testUtils__/fulfilmentProcess.ts'),
      JSON.stringify(connection),
      scaffolderUrl,
      '1000',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    output,
  }));
  return { child, exited };
}

async function kill(child: ChildProcess) {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

(postgres.length
  ? describe.each(postgres)
  : describe.skip.each([['POSTGRES']]))(
  'a fulfilment process killed mid-pass, on %s',
  databaseId => {
    it.each(['before', 'after'] as const)(
      'is finished once by the next process when killed %s the scaffolder created the task',
      async phase => {
        const knex = await databases.init(databaseId as TestDatabaseId);
        const database = { getClient: async () => knex };
        await applyDatabaseMigrations(database);
        const store = await DatabaseRequestStore.create({ database });
        const lifecycle = RequestLifecycle.create({
          requests: store,
          grants: await DatabaseGrantStore.create({ database }),
        });
        const requests = [];
        for (const name of ['grace', 'leo', 'mia']) {
          const { request } = await lifecycle.createRequest({
            offeringRef: 'offering:default/vpn-access',
            offeringTitle: 'VPN access',
            offeringOwnerRef: 'group:default/network-team',
            requesterRef: `user:default/${name}`,
            submittedByRef: `user:default/${name}`,
            formValues: { forUser: `user:default/${name}` },
            stages: [],
            fulfilment: 'automatic',
            templateRef: 'template:default/vpn-access',
          });
          requests.push(request);
        }

        const scaffolder = new FakeScaffolder(
          await DatabaseGateTicketStore.create({
            database: { getClient: async () => knex },
          }),
        );
        const url = await scaffolder.listen();
        const connection = knex.client.config.connection;
        try {
          const first = startProcess(connection, url);
          scaffolder.onStart = async at => {
            if (at === phase) {
              scaffolder.onStart = undefined;
              await kill(first.child);
            }
          };
          const died = await first.exited;
          expect(died.signal).toBe('SIGKILL');
          expect(scaffolder.tasks).toHaveLength(phase === 'after' ? 1 : 0);
          for (const request of requests) {
            expect(
              (await store.getRequest(request.id))!.scaffolderTaskId,
            ).toBeUndefined();
          }

          // The dead process's claims run out, then a new process comes.
          await new Promise(resolve => setTimeout(resolve, 1_200));
          const second = await startProcess(connection, url).exited;
          expect(second).toMatchObject({ code: 0 });

          expect(scaffolder.tasks).toHaveLength(requests.length);
          for (const request of requests) {
            const started = scaffolder.tasks.filter(
              t => t.spec.parameters.serviceCatalogue.requestId === request.id,
            );
            expect(started).toHaveLength(1);
            expect((await store.getRequest(request.id))!.scaffolderTaskId).toBe(
              started[0].id,
            );
          }

          for (const task of scaffolder.tasks) {
            task.status = 'completed';
          }
          expect(await startProcess(connection, url).exited).toMatchObject({
            code: 0,
          });
          for (const request of requests) {
            const done = (await store.getRequest(request.id))!;
            expect(done.state).toBe('DONE');
            const events = await store.listEvents(request.id);
            expect(events.filter(e => e.type === 'task')).toHaveLength(1);
            expect(events.filter(e => e.type === 'complete')).toHaveLength(1);
          }
        } finally {
          scaffolder.close();
        }
      },
    );
  },
);
