import { ENTERPRISE_USER_SCHEMA } from '../../../scim/schema/urns.js';
import type { AttributeMapping } from '../../mapping/mapping.js';

/**
 * Default mappings for LDAP and Active Directory, in the same form as Entra's (mapping/
 * default-mappings.ts): Coalesce picks the OpenLDAP attribute or its AD counterpart. `IsSoftDeleted`
 * is true for disabled accounts (AD userAccountControl bit 2, which the source reads as
 * accountEnabled false) and objects out of scope. The manager is the key the source resolved
 * from the manager's DN.
 */
export const LDAP_USER_MAPPINGS: AttributeMapping[] = [
  { target: 'userName', expression: 'Coalesce([uid], [sAMAccountName])', matching: 1 },
  { target: 'active', expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
  { target: 'externalId', expression: 'Coalesce([entryUUID], [objectGUID])' },
  { target: 'displayName', source: 'displayName' },
  { target: 'title', source: 'title' },
  { target: 'emails[type eq "work"].value', source: 'mail' },
  { target: 'name.givenName', source: 'givenName' },
  { target: 'name.familyName', source: 'sn' },
  { target: 'name.formatted', expression: 'Join(" ", [givenName], [sn])' },
  { target: 'phoneNumbers[type eq "work"].value', source: 'telephoneNumber' },
  { target: 'phoneNumbers[type eq "mobile"].value', source: 'mobile' },
  { target: `${ENTERPRISE_USER_SCHEMA}:employeeNumber`, source: 'employeeNumber' },
  { target: `${ENTERPRISE_USER_SCHEMA}:department`, expression: 'Coalesce([department], [departmentNumber], [ou])' },
  { target: `${ENTERPRISE_USER_SCHEMA}:manager`, source: 'manager' },
];

/** Groups: the common name, and the entry's UUID as externalId. */
export const LDAP_GROUP_MAPPINGS: AttributeMapping[] = [
  { target: 'displayName', expression: 'Coalesce([displayName], [cn])', matching: 1 },
  { target: 'externalId', expression: 'Coalesce([entryUUID], [objectGUID])' },
];
