import { ENTERPRISE_USER_SCHEMA } from '../../scim/schema/urns.js';
import type { AttributeMapping, ObjectMappings } from './mapping.js';

const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

/**
 * Entra ID's default mappings for a SCIM app (idp-behaviour.md §1.10), for sources whose
 * columns are directory attributes (userPrincipalName, mail, givenName, …). `IsSoftDeleted` is
 * computed by the engine: true when the object is out of scope, disabled or deleted.
 */
export const ENTRA_USER_MAPPINGS: AttributeMapping[] = [
  { target: 'userName', source: 'userPrincipalName', matching: 1 },
  { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
  { target: 'displayName', source: 'displayName' },
  { target: 'title', source: 'jobTitle' },
  { target: 'emails[type eq "work"].value', source: 'mail' },
  { target: 'preferredLanguage', source: 'preferredLanguage' },
  { target: 'name.givenName', source: 'givenName' },
  { target: 'name.familyName', source: 'surname' },
  { target: 'name.formatted', expression: 'Join(" ", [givenName], [surname])' },
  { target: 'addresses[type eq "work"].formatted', source: 'physicalDeliveryOfficeName' },
  { target: 'addresses[type eq "work"].streetAddress', source: 'streetAddress' },
  { target: 'addresses[type eq "work"].locality', source: 'city' },
  { target: 'addresses[type eq "work"].region', source: 'state' },
  { target: 'addresses[type eq "work"].postalCode', source: 'postalCode' },
  { target: 'addresses[type eq "work"].country', source: 'country' },
  { target: 'phoneNumbers[type eq "work"].value', source: 'telephoneNumber' },
  { target: 'phoneNumbers[type eq "mobile"].value', source: 'mobile' },
  { target: 'phoneNumbers[type eq "fax"].value', source: 'facsimileTelephoneNumber' },
  { target: 'externalId', source: 'mailNickname' },
  { target: `${ENTERPRISE}:employeeNumber`, source: 'employeeId' },
  { target: `${ENTERPRISE}:department`, source: 'department' },
  { target: `${ENTERPRISE}:manager`, source: 'manager' },
];

/** Entra's default group mappings: the name, and the object id as externalId. */
export const ENTRA_GROUP_MAPPINGS: AttributeMapping[] = [
  { target: 'displayName', source: 'displayName', matching: 1 },
  { target: 'externalId', source: 'objectId' },
];

export const ENTRA_MAPPINGS: ObjectMappings = { users: ENTRA_USER_MAPPINGS, groups: ENTRA_GROUP_MAPPINGS };

/**
 * For a source whose columns are SCIM attributes already: each column maps to itself, and the
 * matching attributes are the name (userName or displayName), then externalId.
 */
export function identityMappings(columns: string[], nameAttribute: 'userName' | 'displayName'): AttributeMapping[] {
  return columns.map((column) => {
    const lower = column.toLowerCase();
    const mapping: AttributeMapping = { target: column, source: column };
    if (lower === nameAttribute.toLowerCase()) mapping.matching = 1;
    else if (lower === 'externalid') mapping.matching = 2;
    return mapping;
  });
}
