import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "The desk takes a colleague's licence back; the offering's revoke template frees the seat",
    example: yaml.stringify({
      steps: [
        {
          id: 'revoke',
          action: 'service-catalogue:revoke',
          name: 'Take the licence back',
          input: {
            offering: 'offering:default/figma-licence',
            holder: '${{ parameters.colleague }}',
            reason: '${{ parameters.reason }}',
          },
        },
      ],
    }),
  },
  {
    description: 'Ends one grant by its id, such as from a report of holders',
    example: yaml.stringify({
      steps: [
        {
          id: 'revoke',
          action: 'service-catalogue:revoke',
          name: 'End the grant',
          input: {
            grantId: '${{ parameters.grantId }}',
            reason: 'No longer needed',
          },
        },
      ],
    }),
  },
];
