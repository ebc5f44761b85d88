import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The desk assigns a design-tool licence to a colleague; the request still goes through approval',
    example: yaml.stringify({
      steps: [
        {
          id: 'request',
          action: 'service-catalogue:request:create',
          name: 'Request the licence',
          input: {
            offering: 'offering:default/figma-licence',
            forUser: '${{ parameters.colleague }}',
            values: {
              seat: 'editor',
              team: '${{ parameters.team }}',
              justification: '${{ parameters.reason }}',
            },
          },
        },
        {
          id: 'log',
          action: 'debug:log',
          name: 'Say where to follow it',
          input: {
            message:
              "Follow ${{ steps['request'].output.trackingNumber }} in My requests",
          },
        },
      ],
    }),
  },
  {
    description: 'Requests an offering for the user who runs the template',
    example: yaml.stringify({
      steps: [
        {
          id: 'request',
          action: 'service-catalogue:request:create',
          name: 'Request VPN access',
          input: {
            offering: 'vpn-access',
            values: {
              device: 'laptop',
              tunnel: 'split',
              justification: '${{ parameters.justification }}',
            },
          },
        },
      ],
    }),
  },
];
