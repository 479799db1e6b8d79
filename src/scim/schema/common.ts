import { complex, dateTime, reference, string } from './define.js';
import type { AttributeDef } from './types.js';

/** RFC 7643 §3.1: attributes every resource carries, whatever its schema. */
export const commonAttributes: AttributeDef[] = [
  string('id', 'Unique identifier of the resource, issued by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  string('externalId', "Identifier of the resource in the provisioning client's own system.", {
    caseExact: true,
  }),
  complex(
    'meta',
    'Resource metadata maintained by the service provider.',
    [
      string('resourceType', 'Name of the resource type.', { caseExact: true, mutability: 'readOnly' }),
      dateTime('created', 'When the resource was added to the service provider.', { mutability: 'readOnly' }),
      dateTime('lastModified', 'When the resource was last changed.', { mutability: 'readOnly' }),
      reference('location', 'URI of the resource.', ['uri'], { mutability: 'readOnly' }),
      string('version', 'Weak entity tag of the current version.', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];
