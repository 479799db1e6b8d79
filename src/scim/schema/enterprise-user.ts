import { complex, reference, string } from './define.js';
import type { SchemaDef } from './types.js';
import { ENTERPRISE_USER_SCHEMA } from './urns.js';

/** RFC 7643 §4.3: the enterprise User extension. */
export const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    string('employeeNumber', 'Identifier assigned by the organisation.'),
    string('costCenter', 'Name of a cost center.'),
    string('organization', 'Name of an organisation.'),
    string('division', 'Name of a division.'),
    string('department', 'Name of a department.'),
    complex('manager', "The user's manager.", [
      string('value', 'The id of the manager in this service provider.'),
      reference('$ref', 'URI of the manager.', ['User']),
      string('displayName', "The manager's display name.", { mutability: 'readOnly' }),
    ]),
  ],
};
