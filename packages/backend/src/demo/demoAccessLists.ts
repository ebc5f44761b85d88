import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import Router from 'express-promise-router';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const LIST_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The demo's stand-in for the systems offerings give access to (the VPN, the
 * source-control organisation, a licence pool): each access list is a JSON
 * file of member refs under `demo.accessLists.directory`. Provisioning and
 * revoke templates change them, so that a person can see what a request
 * did: `GET /api/demo-access-lists/corp-vpn`, or the file itself.
 *
 * @internal
 */
export class AccessListFiles {
  static fromConfig(config: Config): AccessListFiles {
    return new AccessListFiles(
      resolve(
        config.getOptionalString('demo.accessLists.directory') ??
          '../../.data/access-lists',
      ),
    );
  }

  // One change at a time per list, so that two tasks never lose each
  // other's member; the demo runs one backend.
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly directory: string) {}

  async members(list: string): Promise<string[]> {
    try {
      return JSON.parse(await readFile(this.file(list), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return [];
      }
      throw error;
    }
  }

  async add(list: string, member: string): Promise<string[]> {
    return this.change(list, members =>
      members.includes(member) ? members : [...members, member].sort(),
    );
  }

  async remove(list: string, member: string): Promise<string[]> {
    return this.change(list, members => members.filter(m => m !== member));
  }

  private change(
    list: string,
    edit: (members: string[]) => string[],
  ): Promise<string[]> {
    const file = this.file(list);
    const next = (this.queues.get(list) ?? Promise.resolve()).then(async () => {
      const members = edit(await this.members(list));
      await mkdir(this.directory, { recursive: true });
      // Written aside and renamed, so a reader never sees half a file.
      await writeFile(`${file}.tmp`, JSON.stringify(members, null, 2));
      await rename(`${file}.tmp`, file);
      return members;
    });
    this.queues.set(
      list,
      next.catch(() => undefined),
    );
    return next;
  }

  private file(list: string): string {
    if (!LIST_NAME.test(list)) {
      throw new InputError(
        `Access list names are lowercase letters, digits and dashes, not ${JSON.stringify(
          list,
        )}`,
      );
    }
    return join(this.directory, `${list}.json`);
  }
}

/** @internal */
export function createAccessListActions(files: AccessListFiles) {
  return [
    createTemplateAction({
      id: 'demo:access-list:add',
      description: 'Adds a person to one of the demo access lists',
      schema: {
        input: {
          list: z => z.string({ description: 'Name of the list: corp-vpn' }),
          member: z => z.string({ description: 'Entity ref of the person' }),
        },
      },
      async handler(ctx) {
        const members = await files.add(ctx.input.list, ctx.input.member);
        ctx.logger.info(
          `${ctx.input.member} is on ${ctx.input.list} (${members.length} members)`,
        );
      },
    }),
    createTemplateAction({
      id: 'demo:access-list:remove',
      description: 'Removes a person from one of the demo access lists',
      schema: {
        input: {
          list: z => z.string({ description: 'Name of the list: corp-vpn' }),
          member: z => z.string({ description: 'Entity ref of the person' }),
        },
      },
      async handler(ctx) {
        const members = await files.remove(ctx.input.list, ctx.input.member);
        ctx.logger.info(
          `${ctx.input.member} is off ${ctx.input.list} (${members.length} members)`,
        );
      },
    }),
  ];
}

/** @internal */
export const scaffolderModuleDemoAccessLists = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'demo-access-lists',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        scaffolder: scaffolderActionsExtensionPoint,
      },
      async init({ config, scaffolder }) {
        scaffolder.addActions(
          ...createAccessListActions(AccessListFiles.fromConfig(config)),
        );
      },
    });
  },
});

/**
 * Shows the demo access lists to any signed-in user.
 *
 * @internal
 */
export const demoAccessListsPlugin = createBackendPlugin({
  pluginId: 'demo-access-lists',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
      },
      async init({ config, httpRouter }) {
        const files = AccessListFiles.fromConfig(config);
        const router = Router();
        router.get('/:list', async (req, res) => {
          res.json({ members: await files.members(req.params.list) });
        });
        httpRouter.use(router);
      },
    });
  },
});
