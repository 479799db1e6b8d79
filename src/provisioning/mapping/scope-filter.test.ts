import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userModel } from '../../scim/schema/resource-models.js';
import { ScopeFilter } from './scope-filter.js';
import { sourceModel } from './source-model.js';

const RECORDS = [
  { department: 'Sales', jobTitle: 'Rep', accountEnabled: true, employeeId: 7, proxyAddresses: ['smtp:a@x'] },
  { department: 'Eng', jobTitle: 'Intern', accountEnabled: false, employeeId: 12 },
  { department: 'eng', 'First Name': 'x' },
];
const model = sourceModel(userModel, RECORDS, ['department', 'jobTitle', 'accountEnabled', 'employeeId', 'proxyAddresses', 'First Name']);

describe('scoping filters over source attributes', () => {
  const CASES: [string, boolean[]][] = [
    ['department eq "Sales"', [true, false, false]],
    ['department eq "eng"', [false, true, true]],
    ['department eq "Eng" and not (jobTitle sw "Intern")', [false, false, true]],
    ['accountEnabled eq true', [true, false, false]],
    ['employeeId gt 10', [false, true, false]],
    ['jobTitle pr', [true, true, false]],
    ['proxyAddresses co "a@x"', [true, false, false]],
    ['department eq "Sales" or department eq "Eng"', [true, true, true]],
  ];
  for (const [filter, expected] of CASES) {
    it(`${filter} selects ${expected.map(Number).join('')}`, () => {
      const scope = new ScopeFilter(filter, model);
      assert.deepEqual(RECORDS.map((r) => scope.matches(r as never)), expected);
    });
  }

  it('puts everything in scope without a filter', () => {
    assert.ok(new ScopeFilter(undefined, model).matches({}));
    assert.ok(new ScopeFilter('  ', model).matches({}));
  });

  it('refuses a filter on an attribute the source does not have, or one that does not parse', () => {
    assert.throws(() => new ScopeFilter('country eq "NO"', model), /The scoping filter "country eq \\"NO\\"" is invalid: Unknown attribute country/);
    assert.throws(() => new ScopeFilter('department eq', model), /is invalid/);
    assert.throws(() => new ScopeFilter('accountEnabled gt true', model), /boolean/);
  });

  it('runs on SCIM attributes for sources whose columns are SCIM attributes', () => {
    const scope = new ScopeFilter('emails[type eq "work"].value ew "@acme.com" and active eq true', userModel);
    assert.ok(scope.matches({ emails: [{ type: 'work', value: 'a@acme.com' }], active: true }));
    assert.ok(!scope.matches({ emails: [{ type: 'home', value: 'a@acme.com' }], active: true }));
  });
});
