import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Lets the person a VPN request is for onto the VPN, which admits the members of a directory group',
    example: yaml.stringify({
      steps: [
        {
          id: 'vpn-users',
          action: 'ldap:group:add-member',
          name: 'Add to the VPN users',
          input: {
            group: 'vpn-users',
            member: '${{ parameters.forUser }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Adds a member named by DN to a group named by DN, and says whether it changed anything',
    example: yaml.stringify({
      steps: [
        {
          id: 'figma-users',
          action: 'ldap:group:add-member',
          name: 'Add to the Figma users',
          input: {
            group: 'cn=figma-users,ou=groups,dc=acme,dc=example',
            member: 'uid=ivan,ou=people,dc=acme,dc=example',
          },
        },
        {
          id: 'log',
          action: 'debug:log',
          name: 'Say what changed',
          input: {
            message:
              "${{ steps['figma-users'].output.memberDn }} is in ${{ steps['figma-users'].output.groupDn }} (newly added: ${{ steps['figma-users'].output.added }})",
          },
        },
      ],
    }),
  },
];
