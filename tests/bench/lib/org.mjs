// A generated organisation beside the demo's own: groups of ten under the
// demo's engineering department, each led by its first member, so that
// requests have real managers to route to and the catalog holds as many
// entities as a large adopter's.
import fs from 'node:fs';
import path from 'node:path';

const pad = (n, width) => String(n).padStart(width, '0');

export const groupName = g => `bench-g${pad(g, 4)}`;
export const userName = u => `bench-u${pad(u, 5)}`;
export const userRef = u => `user:default/${userName(u)}`;

/** The users who approve and request the most: they get the long lists. */
export const HEAVY_APPROVER = 'bench-approver';
export const HEAVY_REQUESTER = 'bench-requester';

/**
 * The manager of a generated user: the first member of their group, and bob
 * (head of engineering) for the leads.
 */
export function managerOf(u, usersPerGroup) {
  const lead = u - ((u - 1) % usersPerGroup);
  return lead === u ? 'user:default/bob' : userRef(lead);
}

export function writeOrganisation(dir, { users, groups }) {
  const usersPerGroup = Math.ceil(users / groups);
  const docs = [];
  for (let g = 1; g <= groups; g++) {
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ${groupName(g)}
spec:
  type: team
  parent: engineering
  children: []`);
  }
  for (let u = 1; u <= users; u++) {
    const g = Math.ceil(u / usersPerGroup);
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ${userName(u)}
  annotations:
    service-catalogue.io/manager: ${managerOf(u, usersPerGroup)}
spec:
  profile:
    displayName: Bench user ${u}
  memberOf: [${groupName(g)}]`);
  }
  for (const name of [HEAVY_APPROVER, HEAVY_REQUESTER]) {
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: ${name}
  annotations:
    service-catalogue.io/manager: user:default/bob
spec:
  memberOf: [${groupName(1)}]`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bench-org.yaml');
  fs.writeFileSync(file, `${docs.join('\n---\n')}\n`);
  return { file, usersPerGroup };
}
