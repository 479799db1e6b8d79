import { complex, reference, string } from './define.js';
import type { SchemaDef } from './types.js';
import { GROUP_SCHEMA } from './urns.js';

/** RFC 7643 §4.2: the core Group schema. scimd keeps displayName unique per directory. */
export const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    string('displayName', 'A human-readable name for the group, unique in its directory.', {
      required: true,
      uniqueness: 'server',
    }),
    complex(
      'members',
      'Members of the group: users or other groups.',
      [
        string('value', 'The id of the member.', { mutability: 'immutable' }),
        reference('$ref', 'URI of the member.', ['User', 'Group'], { mutability: 'immutable' }),
        string('type', 'The type of the member.', { canonicalValues: ['User', 'Group'], mutability: 'immutable' }),
        string('display', "The member's display name.", { mutability: 'readOnly' }),
      ],
      { multiValued: true },
    ),
  ],
};
