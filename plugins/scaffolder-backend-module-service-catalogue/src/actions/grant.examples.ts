import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The desk hands out a licence from its own pool and records it, so that it expires and can be revoked',
    example: yaml.stringify({
      steps: [
        {
          id: 'grant',
          action: 'service-catalogue:grant',
          name: 'Record the licence',
          input: {
            offering: 'offering:default/figma-licence',
            holder: '${{ parameters.colleague }}',
            reason: 'Assigned by the service desk: ${{ parameters.reason }}',
          },
        },
        {
          id: 'log',
          action: 'debug:log',
          name: 'Say where it is kept',
          input: {
            message:
              "Recorded in ${{ steps['grant'].output.trackingNumber }}, ends ${{ steps['grant'].output.expiresAt }}",
          },
        },
      ],
    }),
  },
  {
    description:
      'Records access for the user who runs the template, until a given date',
    example: yaml.stringify({
      steps: [
        {
          id: 'grant',
          action: 'service-catalogue:grant',
          name: 'Record VPN access',
          input: {
            offering: 'vpn-access',
            expiresAt: '2027-06-30T17:00:00Z',
          },
        },
      ],
    }),
  },
];
