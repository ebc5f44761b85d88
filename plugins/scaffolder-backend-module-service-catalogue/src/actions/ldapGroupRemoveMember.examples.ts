import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Takes away the VPN access of the person a revoke template is for, by removing them from the directory group the VPN admits',
    example: yaml.stringify({
      steps: [
        {
          id: 'vpn-users',
          action: 'ldap:group:remove-member',
          name: 'Remove from the VPN users',
          input: {
            group: 'vpn-users',
            member: '${{ parameters.forUser }}',
          },
        },
      ],
    }),
  },
  {
    description: 'Removes a member named by DN from a group named by DN',
    example: yaml.stringify({
      steps: [
        {
          id: 'figma-users',
          action: 'ldap:group:remove-member',
          name: 'Remove from the Figma users',
          input: {
            group: 'cn=figma-users,ou=groups,dc=acme,dc=example',
            member: 'uid=ivan,ou=people,dc=acme,dc=example',
          },
        },
      ],
    }),
  },
];
