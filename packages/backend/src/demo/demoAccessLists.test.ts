import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { AccessListFiles, createAccessListActions } from './demoAccessLists';

describe('demo access lists', () => {
  const directory = createMockDirectory();

  beforeEach(() => directory.clear());

  it('adds and removes members through the scaffolder actions', async () => {
    const files = new AccessListFiles(directory.path);
    const [add, remove] = createAccessListActions(files);
    const input = { list: 'corp-vpn', member: 'user:default/grace' };

    await add.handler(createMockActionContext({ input }));
    // Running a step again changes nothing: the list is a set.
    await add.handler(createMockActionContext({ input }));
    expect(await files.members('corp-vpn')).toEqual(['user:default/grace']);
    expect(directory.content()).toEqual({
      'corp-vpn.json': JSON.stringify(['user:default/grace'], null, 2),
    });

    await remove.handler(createMockActionContext({ input }));
    expect(await files.members('corp-vpn')).toEqual([]);
  });

  it('keeps every member when tasks add them at once', async () => {
    const files = new AccessListFiles(directory.path);
    const people = Array.from({ length: 20 }, (_, i) => `user:default/u${i}`);
    await Promise.all(people.map(person => files.add('corp-vpn', person)));
    expect(await files.members('corp-vpn')).toEqual([...people].sort());
  });

  it('refuses list names that could leave the folder', async () => {
    const files = new AccessListFiles(directory.path);
    await expect(files.add('../etc', 'user:default/grace')).rejects.toThrow(
      /lowercase letters, digits and dashes/,
    );
    expect(directory.content()).toEqual({});
  });
});
