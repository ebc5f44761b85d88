import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Reads an offering by its full entity ref',
    example: yaml.stringify({
      steps: [
        {
          id: 'offering',
          action: 'service-catalogue:offering:get',
          name: 'Read offering',
          input: {
            offering: 'offering:default/vpn-access',
          },
        },
      ],
    }),
  },
  {
    description:
      'Reads an offering by its name alone and branches on how it is fulfilled',
    example: yaml.stringify({
      steps: [
        {
          id: 'offering',
          action: 'service-catalogue:offering:get',
          name: 'Read offering',
          input: {
            offering: 'vpn-access',
          },
        },
        {
          id: 'log-manual',
          if: "${{ steps['offering'].output.fulfilment === 'manual' }}",
          action: 'debug:log',
          name: 'Announce manual fulfilment',
          input: {
            message:
              "${{ steps['offering'].output.owner }} will fulfil ${{ steps['offering'].output.title }} by hand",
          },
        },
      ],
    }),
  },
  {
    description:
      'Reads an offering of another namespace and only schedules an expiry when its grants expire',
    example: yaml.stringify({
      steps: [
        {
          id: 'offering',
          action: 'service-catalogue:offering:get',
          name: 'Read offering',
          input: {
            offering: 'offering:it/admin-rights',
          },
        },
        {
          id: 'log-expiry',
          if: "${{ steps['offering'].output.grantDuration }}",
          action: 'debug:log',
          name: 'Announce expiry',
          input: {
            message:
              "Access to ${{ steps['offering'].output.target }} ends after ${{ steps['offering'].output.grantDuration }}",
          },
        },
      ],
    }),
  },
];
