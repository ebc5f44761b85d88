import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The first step of a provisioning template: nothing after it runs unless the service catalogue started the task for an approved request',
    example: yaml.stringify({
      steps: [
        {
          id: 'gate',
          action: 'service-catalogue:gate',
          name: 'Check the approval',
        },
        {
          id: 'provision',
          action: 'debug:log',
          name: 'Provision',
          input: {
            message:
              'Provisioning ${{ steps.gate.output.trackingNumber }} for ${{ steps.gate.output.forUser }}',
          },
        },
      ],
    }),
  },
];
