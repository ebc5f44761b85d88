// The demo's offerings and who is in their owners' groups, read from the
// example files the catalog reads, so that seeded requests name offerings,
// owners and approvers that exist.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const read = file =>
  parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(d => d.toJS())
    .filter(Boolean);

export function readExamples(root) {
  const offerings = read(path.join(root, 'examples/offerings.yaml'))
    .filter(e => e.kind === 'Offering')
    .map(e => ({
      ref: `offering:default/${e.metadata.name}`,
      title: e.metadata.title ?? e.metadata.name,
      owner: e.spec.owner,
      target: e.spec.target ?? null,
      template: e.spec.template ?? null,
      fulfilment: e.spec.fulfilment ?? 'manual',
      grant: e.spec.grant ?? null,
      stages: (e.spec.approval?.stages ?? [{ approvers: ['owner'] }]).map(
        s => s.approvers[0],
      ),
    }));
  const members = new Map();
  const org = read(path.join(root, 'examples/org.yaml'));
  const counts = {
    users: org.filter(e => e.kind === 'User').length,
    groups: org.filter(e => e.kind === 'Group').length,
  };
  for (const e of org) {
    if (e.kind !== 'User') {
      continue;
    }
    for (const group of e.spec.memberOf ?? []) {
      const ref = `group:default/${group}`;
      members.set(ref, [
        ...(members.get(ref) ?? []),
        `user:default/${e.metadata.name}`,
      ]);
    }
  }
  const owners = new Map();
  for (const e of read(path.join(root, 'examples/systems.yaml'))) {
    const ref = `${e.kind.toLocaleLowerCase('en-US')}:default/${
      e.metadata.name
    }`;
    owners.set(ref, e.spec?.owner);
  }
  const ownerOf = ref => owners.get(ref);
  const ownerMembers = (word, offering) => {
    const group =
      word === 'owner'
        ? offering.owner
        : word === 'target-owner'
        ? ownerOf(offering.target) ?? offering.owner
        : word;
    if (group.startsWith('user:')) {
      return [group];
    }
    return members.get(group) ?? ['user:default/carol'];
  };
  return { offerings, ownerMembers, counts };
}
