import { ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA } from '../../scim/schema/urns.js';
import { unlessAdvertised, type Capabilities } from '../capabilities.js';
import { expect, expectStatus } from '../check-failure.js';
import type { CheckContext } from '../check-context.js';
import type { Exchange } from '../check-http.js';
import type { Check, Profile } from '../check-types.js';
import { emailOfType, expectScimType, memberIds, valueAt } from './scim-assertions.js';

type Operation = { op: string; path?: string; value?: unknown };

const withPatch = (c: Capabilities) => unlessAdvertised('patch.supported', c.patch);
const withGroupPatch = (c: Capabilities) => withPatch(c) ?? (c.groups ? undefined : 'the server lists no Group resource type');
const withEnterprisePatch = (c: Capabilities) => withPatch(c) ?? (c.enterpriseUser ? undefined : 'the User resource type does not list the enterprise extension');

/** Sends a PatchOp message and requires 200 or 204 (both are what Entra and Okta accept). */
async function patch(context: CheckContext, endpoint: 'Users' | 'Groups', id: string, operations: Operation[]): Promise<Exchange> {
  const response = await context.send('PATCH', `/${endpoint}/${id}`, { body: { schemas: [PATCH_OP_SCHEMA], Operations: operations } });
  expectStatus(response, [200, 204], `PATCH ${JSON.stringify(operations).slice(0, 200)}`);
  return response;
}

async function read(context: CheckContext, endpoint: 'Users' | 'Groups', id: string): Promise<Exchange> {
  const response = await context.send('GET', `/${endpoint}/${id}`);
  expectStatus(response, 200, `GET /${endpoint}/{id} after the PATCH`);
  return response;
}

interface PatchCase {
  id: string;
  title: string;
  profiles: readonly Profile[];
  authority: string;
  sends: string;
  expects: string;
  skipUnless?: (c: Capabilities) => string | undefined;
  run: (context: CheckContext) => Promise<void>;
}

const patchCheck = (c: PatchCase): Check => ({ area: 'patch', skipUnless: withPatch, ...c });

/** Two users and a group holding neither, for membership forms. */
async function groupWithUsers(context: CheckContext): Promise<{ group: string; u1: string; u2: string }> {
  const [{ id: u1 }, { id: u2 }] = [await context.createUser('m1'), await context.createUser('m2')];
  const { id: group } = await context.createGroup('patched');
  return { group, u1, u2 };
}

export const patchChecks: Check[] = [
  patchCheck({
    id: 'patch.entra.replace-value-path',
    title: 'Entra default: Replace on emails[type eq "work"].value and name.familyName, capitalised op',
    profiles: ['entra'],
    authority: 'Entra U5 and transcript step 4 (idp-behaviour §1.4, §1.7); ops case-insensitive (§1.3 item 4)',
    sends: '[{"op":"Replace","path":"emails[type eq \\"work\\"].value",…},{"op":"Replace","path":"name.familyName",…}]',
    expects: '200/204; GET shows the new work email and family name',
    async run(context) {
      const { id } = await context.createUser('replace');
      const email = `${context.name('new')}@example.org`;
      const response = await patch(context, 'Users', id, [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
        { op: 'Replace', path: 'name.familyName', value: 'Smyth' },
      ]);
      const after = await read(context, 'Users', id);
      expect(emailOfType(after.json, 'work') === email && valueAt(after.json, 'name.familyName') === 'Smyth', 'the work email or family name did not change', response, after);
    },
  }),
  patchCheck({
    id: 'patch.entra.add-value-path-creates-element',
    title: 'Entra: Add on phoneNumbers[type eq "mobile"].value with no mobile number creates it',
    profiles: ['entra'],
    authority: 'Entra "replace/add with unmatched valuePath ⇒ create the element" (idp-behaviour §1.5, transcript step 4 add-to-empty)',
    sends: '[{"op":"Add","path":"phoneNumbers[type eq \\"mobile\\"].value","value":"55555555555"}]',
    expects: '200/204; GET has a mobile phone number 55555555555, stored as sent',
    async run(context) {
      const { id } = await context.createUser('mobile');
      const response = await patch(context, 'Users', id, [{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '55555555555' }]);
      const after = await read(context, 'Users', id);
      const phones = valueAt(after.json, 'phoneNumbers');
      const mobile = Array.isArray(phones) ? phones.find((p) => p?.type === 'mobile') : undefined;
      expect(mobile?.value === '55555555555', 'no mobile phone number 55555555555 after the PATCH', response, after);
    },
  }),
  patchCheck({
    id: 'patch.entra.string-booleans',
    title: 'Entra default: active "False" / "True" as strings',
    profiles: ['entra'],
    authority: 'Entra disable without the compliance flag sends "False" (idp-behaviour §1.5, MS-COMPAT; U7)',
    sends: '[{"op":"Replace","path":"active","value":"False"}], then "True"',
    expects: 'active false then true, as JSON booleans',
    async run(context) {
      const { id } = await context.createUser('strbool');
      const off = await patch(context, 'Users', id, [{ op: 'Replace', path: 'active', value: 'False' }]);
      const afterOff = await read(context, 'Users', id);
      expect(afterOff.json.active === false, `active is ${JSON.stringify(afterOff.json.active)} after "False"; must be the boolean false`, off, afterOff);
      const on = await patch(context, 'Users', id, [{ op: 'Replace', path: 'active', value: 'True' }]);
      const afterOn = await read(context, 'Users', id);
      expect(afterOn.json.active === true, `active is ${JSON.stringify(afterOn.json.active)} after "True"`, on, afterOn);
    },
  }),
  patchCheck({
    id: 'patch.entra-flag.boolean-disable',
    title: 'Entra aadOptscim062020: replace active false (boolean, lowercase op)',
    profiles: ['entra', 'rfc'],
    authority: 'RFC 7644 §3.5.2.3; Entra compliance flag (idp-behaviour §1.5)',
    sends: '[{"op":"replace","path":"active","value":false}]',
    expects: 'GET shows active false',
    async run(context) {
      const { id } = await context.createUser('disable');
      const response = await patch(context, 'Users', id, [{ op: 'replace', path: 'active', value: false }]);
      const after = await read(context, 'Users', id);
      expect(after.json.active === false, 'active is not false', response, after);
    },
  }),
  patchCheck({
    id: 'patch.entra-flag.pathless-dotted-keys',
    title: 'Entra aadOptscim062020: one pathless replace with dotted and URN-qualified keys',
    profiles: ['entra'],
    authority: 'Entra compliance flag "the rest combined in one pathless op" with dotted and URN keys (idp-behaviour §1.5)',
    sends: '[{"op":"replace","value":{"displayName":"…","name.givenName":"Al","name.familyName":"Smyth","urn:…:enterprise:2.0:User:employeeNumber":"1002"}}]',
    expects: 'GET shows displayName, name.givenName and the enterprise employeeNumber set (not keys named "name.givenName")',
    skipUnless: withEnterprisePatch,
    async run(context) {
      const { id } = await context.createUser('pathless');
      const response = await patch(context, 'Users', id, [
        { op: 'replace', value: { displayName: 'Al Checker', 'name.givenName': 'Al', 'name.familyName': 'Smyth', [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: '1002' } },
      ]);
      const after = await read(context, 'Users', id);
      expect(after.json.displayName === 'Al Checker', 'displayName did not change', response, after);
      expect(valueAt(after.json, 'name.givenName') === 'Al' && valueAt(after.json, 'name.familyName') === 'Smyth', 'name.givenName or name.familyName did not change', response, after);
      expect(valueAt(after.json, `${ENTERPRISE_USER_SCHEMA}:employeeNumber`) === '1002', 'the enterprise employeeNumber was not set', response, after);
    },
  }),
  patchCheck({
    id: 'patch.entra.manager-plain-id',
    title: 'Entra: enterprise manager set with a plain id string, read back as a complex value',
    profiles: ['entra'],
    authority: 'Entra U9 field captures and "return manager as a complex object" (idp-behaviour §1.4, transcript step 3)',
    sends: '[{"op":"Add","path":"urn:…:enterprise:2.0:User:manager","value":"<manager id>"}]',
    expects: 'GET returns manager as {"value": "<manager id>", …}',
    skipUnless: withEnterprisePatch,
    async run(context) {
      const { id: manager } = await context.createUser('manager');
      const { id } = await context.createUser('report');
      const response = await patch(context, 'Users', id, [{ op: 'Add', path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: manager }]);
      const after = await read(context, 'Users', id);
      const value = valueAt(after.json, `${ENTERPRISE_USER_SCHEMA}:manager`) as Record<string, unknown> | undefined;
      expect(value && typeof value === 'object' && value.value === manager, `manager must read back as {"value":"${manager}"}, got ${JSON.stringify(value)}`, response, after);
    },
  }),
  patchCheck({
    id: 'patch.entra.single-value-add-and-clear',
    title: 'Entra: Add nickName, Replace title, then clear title with "" (default) and null (aadOptscim062020)',
    profiles: ['entra'],
    authority: 'Entra compliance table "Add single-value attr" (idp-behaviour §1.5); Microsoft validator SCIM_Null_Update_Test: empty strings then nulls read back empty (§1.7)',
    sends: '[{"op":"Add","path":"nickName","value":"Babs"}]; [{"op":"Replace","path":"title","value":"Engineer"}]; [{"op":"Replace","path":"title","value":""}]; [{"op":"replace","path":"title","value":null}]',
    expects: 'nickName Babs; title Engineer; then title absent or empty after each clear',
    async run(context) {
      context.requireUserAttribute('nickName');
      context.requireUserAttribute('title');
      const { id } = await context.createUser('single');
      const add = await patch(context, 'Users', id, [{ op: 'Add', path: 'nickName', value: 'Babs' }]);
      const set = await patch(context, 'Users', id, [{ op: 'Replace', path: 'title', value: 'Engineer' }]);
      const afterSet = await read(context, 'Users', id);
      expect(afterSet.json.nickName === 'Babs' && afterSet.json.title === 'Engineer', 'nickName or title was not set', add, set, afterSet);
      for (const value of ['', null]) {
        const clear = await patch(context, 'Users', id, [{ op: value === '' ? 'Replace' : 'replace', path: 'title', value }]);
        const after = await read(context, 'Users', id);
        expect(after.json.title === undefined || after.json.title === '' || after.json.title === null, `title is ${JSON.stringify(after.json.title)} after clearing it with ${JSON.stringify(value)}`, clear, after);
        await patch(context, 'Users', id, [{ op: 'Replace', path: 'title', value: 'Engineer' }]);
      }
    },
  }),
  patchCheck({
    id: 'patch.entra.manager-forms',
    title: 'Entra: manager set with the tutorial\'s [{"$ref","value"}] array, then removed with ""',
    profiles: ['entra'],
    authority: 'Entra U9 tutorial example and the validator\'s manager remove (idp-behaviour §1.4, §1.7)',
    sends: '[{"op":"Add","path":"manager","value":[{"$ref":"…/Users/<id>","value":"<id>"}]}], then [{"op":"replace","path":"urn:…:enterprise:2.0:User:manager","value":""}]',
    expects: 'manager {"value": "<id>"}; then no manager',
    skipUnless: withEnterprisePatch,
    async run(context) {
      const { id: manager } = await context.createUser('boss');
      const { id } = await context.createUser('staff');
      const set = await patch(context, 'Users', id, [{ op: 'Add', path: 'manager', value: [{ $ref: `${context.http.baseUrl}/Users/${manager}`, value: manager }] }]);
      const afterSet = await read(context, 'Users', id);
      const value = valueAt(afterSet.json, `${ENTERPRISE_USER_SCHEMA}:manager`) as Record<string, unknown> | undefined;
      expect(value && typeof value === 'object' && value.value === manager, `manager must read back as {"value":"${manager}"}, got ${JSON.stringify(value)}`, set, afterSet);
      const clear = await patch(context, 'Users', id, [{ op: 'replace', path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: '' }]);
      const afterClear = await read(context, 'Users', id);
      const cleared = valueAt(afterClear.json, `${ENTERPRISE_USER_SCHEMA}:manager`);
      const gone = cleared === undefined || cleared === null || cleared === '' || (typeof cleared === 'object' && !(cleared as Record<string, unknown>).value);
      expect(gone, `manager is still ${JSON.stringify(cleared)}`, clear, afterClear);
    },
  }),
  patchCheck({
    id: 'patch.entra.role-stringified-json',
    title: 'Entra SingleAppRoleAssignment: Add roles with stringified JSON in value',
    profiles: ['entra'],
    authority: 'Entra U10 (idp-behaviour §1.4, MS-MAP): roles PATCH with a JSON string inside value; values stored exactly as sent (§1.3 item 3)',
    sends: '[{"op":"Add","path":"roles","value":[{"value":"{\\"id\\":\\"…\\",\\"value\\":\\"25\\",\\"displayName\\":\\"Role1234\\"}"}]}]',
    expects: 'roles holds that value, byte for byte',
    async run(context) {
      const { id } = await context.createUser('role');
      const role = JSON.stringify({ id: '06b5f4a8-2a1c-4f5e-9d3b-7c8e9f0a1b2c', value: '25', displayName: 'Role1234' });
      const response = await patch(context, 'Users', id, [{ op: 'Add', path: 'roles', value: [{ value: role }] }]);
      const after = await read(context, 'Users', id);
      const roles = valueAt(after.json, 'roles');
      expect(Array.isArray(roles) && roles.some((r) => r?.value === role), 'the role value was not stored as sent', response, after);
    },
  }),
  patchCheck({
    id: 'patch.okta.password-sync',
    title: 'Okta password sync: pathless replace {"password": …}; the password is never returned',
    profiles: ['okta'],
    authority: 'Okta password sync (idp-behaviour §2.1); RFC 7643 §4.1.1 (password: mutability writeOnly, returned never)',
    sends: '[{"op":"replace","value":{"password":"…"}}]',
    expects: '200/204; neither the PATCH answer nor a GET carries password',
    async run(context) {
      context.requireUserAttribute('password');
      const { id } = await context.createUser('password');
      const response = await patch(context, 'Users', id, [{ op: 'replace', value: { password: 't1meMa$heen-scimdcheck' } }]);
      expect(response.json.password === undefined, 'the PATCH answer returns the password', response);
      const after = await read(context, 'Users', id);
      expect(after.json.password === undefined, 'GET returns the password', after);
    },
  }),
  patchCheck({
    id: 'patch.rfc.remove-attribute',
    title: 'remove with a path clears the attribute',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.5.2.2',
    sends: '[{"op":"remove","path":"title"}]',
    expects: 'GET has no title',
    async run(context) {
      const { id } = await context.createUser('untitled', { title: 'Temporary' });
      const response = await patch(context, 'Users', id, [{ op: 'remove', path: 'title' }]);
      const after = await read(context, 'Users', id);
      expect(after.json.title === undefined, 'title is still there', response, after);
    },
  }),
  patchCheck({
    id: 'patch.rfc.remove-without-path',
    title: 'remove without a path is refused with 400 noTarget',
    profiles: ['rfc'],
    authority: 'RFC 7644 §3.5.2.2 ("If path is unspecified, the operation fails with … noTarget")',
    sends: '[{"op":"remove"}]',
    expects: '400, scimType "noTarget"; the user is unchanged',
    async run(context) {
      const { id } = await context.createUser('notarget');
      const response = await context.send('PATCH', `/Users/${id}`, { body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'remove' }] } });
      expectScimType(response, 400, 'noTarget', 'remove without a path');
    },
  }),
  patchCheck({
    id: 'patch.okta.deactivate-pathless',
    title: 'Okta: pathless replace {"active": false}, then {"active": true}',
    profiles: ['okta'],
    authority: 'Okta activate/deactivate (idp-behaviour §2.1; RFC 7644 §3.5.2.3 pathless replace)',
    sends: '[{"op":"replace","value":{"active":false}}]',
    expects: 'GET shows active false, then true',
    async run(context) {
      const { id } = await context.createUser('okta');
      const off = await patch(context, 'Users', id, [{ op: 'replace', value: { active: false } }]);
      const afterOff = await read(context, 'Users', id);
      expect(afterOff.json.active === false, 'active is not false', off, afterOff);
      const on = await patch(context, 'Users', id, [{ op: 'replace', value: { active: true } }]);
      const afterOn = await read(context, 'Users', id);
      expect(afterOn.json.active === true, 'active is not true again', on, afterOn);
    },
  }),
  patchCheck({
    id: 'patch.entra.members-add-remove',
    title: 'Entra default: Add two members with "$ref": null, Remove one with a value array',
    profiles: ['entra'],
    authority: 'Entra G5 and G6 (idp-behaviour §1.4); gallery "multiple memberships in one PATCH" (§1.3 item 15)',
    sends: '[{"op":"Add","path":"members","value":[{"$ref":null,"value":u1},{"$ref":null,"value":u2}]}], then [{"op":"Remove","path":"members","value":[{"value":u1}]}]',
    expects: 'both members, then only u2',
    skipUnless: withGroupPatch,
    async run(context) {
      const { group, u1, u2 } = await groupWithUsers(context);
      const add = await patch(context, 'Groups', group, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: u1 }, { $ref: null, value: u2 }] }]);
      const both = await read(context, 'Groups', group);
      expect(memberIds(both.json).sort().join() === [u1, u2].sort().join(), 'the group does not hold both members', add, both);
      const remove = await patch(context, 'Groups', group, [{ op: 'Remove', path: 'members', value: [{ value: u1 }] }]);
      const after = await read(context, 'Groups', group);
      expect(memberIds(after.json).join() === u2, `expected only ${u2} left, got ${JSON.stringify(memberIds(after.json))}`, remove, after);
    },
  }),
  patchCheck({
    id: 'patch.entra-flag.member-remove-filter',
    title: 'Entra aadOptscim062020 and Okta: remove members[value eq "…"] without a value',
    profiles: ['entra', 'okta', 'rfc'],
    authority: 'RFC 7644 §3.5.2.2 (value filter path); Entra G6\' (idp-behaviour §1.5); Okta membership PATCH (§2.1)',
    sends: '[{"op":"remove","path":"members[value eq \\"<u1>\\"]"}]',
    expects: 'u1 removed, u2 kept',
    skipUnless: withGroupPatch,
    async run(context) {
      const { group, u1, u2 } = await groupWithUsers(context);
      await patch(context, 'Groups', group, [{ op: 'add', path: 'members', value: [{ value: u1 }, { value: u2 }] }]);
      const remove = await patch(context, 'Groups', group, [{ op: 'remove', path: `members[value eq "${u1}"]` }]);
      const after = await read(context, 'Groups', group);
      expect(memberIds(after.json).join() === u2, `expected only ${u2} left, got ${JSON.stringify(memberIds(after.json))}`, remove, after);
    },
  }),
  patchCheck({
    id: 'patch.okta.members-remove-and-add',
    title: 'Okta: one PATCH removing a member by filter and adding another',
    profiles: ['okta'],
    authority: 'Okta Push Groups membership PATCH (idp-behaviour §2.1)',
    sends: '[{"op":"remove","path":"members[value eq \\"u1\\"]"},{"op":"add","path":"members","value":[{"value":u2,"display":"…"}]}]',
    expects: 'members are exactly u2',
    skipUnless: withGroupPatch,
    async run(context) {
      const { group, u1, u2 } = await groupWithUsers(context);
      await patch(context, 'Groups', group, [{ op: 'add', path: 'members', value: [{ value: u1 }] }]);
      const swap = await patch(context, 'Groups', group, [
        { op: 'remove', path: `members[value eq "${u1}"]` },
        { op: 'add', path: 'members', value: [{ value: u2, display: 'second' }] },
      ]);
      const after = await read(context, 'Groups', group);
      expect(memberIds(after.json).join() === u2, `expected only ${u2}, got ${JSON.stringify(memberIds(after.json))}`, swap, after);
    },
  }),
  patchCheck({
    id: 'patch.okta.members-replace',
    title: 'Okta: replace members with a full list',
    profiles: ['okta', 'rfc'],
    authority: 'RFC 7644 §3.5.2.3; Okta Push Groups full replace (idp-behaviour §2.1)',
    sends: '[{"op":"replace","path":"members","value":[{"value":u2,"display":"…"}]}] on a group holding u1',
    expects: 'members are exactly u2',
    skipUnless: withGroupPatch,
    async run(context) {
      const { group, u1, u2 } = await groupWithUsers(context);
      await patch(context, 'Groups', group, [{ op: 'add', path: 'members', value: [{ value: u1 }] }]);
      const replace = await patch(context, 'Groups', group, [{ op: 'replace', path: 'members', value: [{ value: u2, display: 'second' }] }]);
      const after = await read(context, 'Groups', group);
      expect(memberIds(after.json).join() === u2, `expected only ${u2}, got ${JSON.stringify(memberIds(after.json))}`, replace, after);
    },
  }),
  patchCheck({
    id: 'patch.group-rename',
    title: 'Group rename: Entra "Replace displayName" and Okta pathless {"id","displayName"}',
    profiles: ['entra', 'okta'],
    authority: 'Entra G4 (idp-behaviour §1.4); Okta rename with pathless replace carrying id (§2.1)',
    sends: '[{"op":"Replace","path":"displayName","value":"…"}], then [{"op":"replace","value":{"id":"<id>","displayName":"…"}}]',
    expects: 'the new displayName each time (the id in the value is the group\'s own and changes nothing)',
    skipUnless: withGroupPatch,
    async run(context) {
      const { id } = await context.createGroup('rename');
      const first = context.name('renamed');
      const entra = await patch(context, 'Groups', id, [{ op: 'Replace', path: 'displayName', value: first }]);
      const afterEntra = await read(context, 'Groups', id);
      expect(afterEntra.json.displayName === first, 'the Entra rename did not apply', entra, afterEntra);
      const second = context.name('renamed');
      const okta = await patch(context, 'Groups', id, [{ op: 'replace', value: { id, displayName: second } }]);
      const afterOkta = await read(context, 'Groups', id);
      expect(afterOkta.json.displayName === second && afterOkta.json.id === id, 'the Okta rename did not apply', okta, afterOkta);
    },
  }),
];
