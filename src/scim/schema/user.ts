import { binary, boolean, complex, multiValuedSubAttributes, reference, string } from './define.js';
import type { SchemaDef } from './types.js';
import { USER_SCHEMA } from './urns.js';

/** RFC 7643 §4.1: the core User schema. */
export const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    string('userName', 'Unique identifier for the user, typically used to sign in.', {
      required: true,
      uniqueness: 'server',
    }),
    complex('name', "The components of the user's real name.", [
      string('formatted', 'The full name, formatted for display.'),
      string('familyName', 'Family name (last name in most Western languages).'),
      string('givenName', 'Given name (first name in most Western languages).'),
      string('middleName', 'Middle name(s).'),
      string('honorificPrefix', 'Honorific prefix, such as "Ms.".'),
      string('honorificSuffix', 'Honorific suffix, such as "III".'),
    ]),
    string('displayName', 'Name of the user, suitable for display to end users.'),
    string('nickName', 'Casual way to address the user.'),
    reference('profileUrl', "URL of the user's online profile.", ['external']),
    string('title', "The user's title, such as \"Vice President\"."),
    string('userType', 'Relationship between the organisation and the user, such as "Employee".'),
    string('preferredLanguage', "The user's preferred written or spoken language (RFC 7231 language tag)."),
    string('locale', "The user's default location for localisation (language tag)."),
    string('timezone', "The user's time zone in IANA database format, such as \"Europe/Berlin\"."),
    boolean('active', "The user's administrative status."),
    string('password', "The user's cleartext password; accepted on write, never returned.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    complex('emails', 'Email addresses for the user.', multiValuedSubAttributes('Email address.', ['work', 'home', 'other']), {
      multiValued: true,
    }),
    complex(
      'phoneNumbers',
      'Phone numbers for the user.',
      multiValuedSubAttributes('Phone number.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
      { multiValued: true },
    ),
    complex(
      'ims',
      'Instant messaging addresses for the user.',
      multiValuedSubAttributes('Instant messaging address.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
      { multiValued: true },
    ),
    complex(
      'photos',
      'URLs of images of the user.',
      multiValuedSubAttributes('URL of an image of the user.', ['photo', 'thumbnail'], {
        type: 'reference',
        referenceTypes: ['external'],
        caseExact: true,
      }),
      { multiValued: true },
    ),
    complex(
      'addresses',
      'Physical mailing addresses for the user.',
      [
        string('formatted', 'The full mailing address, formatted for display.'),
        string('streetAddress', 'Street address, possibly on several lines.'),
        string('locality', 'City or locality.'),
        string('region', 'State or region.'),
        string('postalCode', 'Zip or postal code.'),
        string('country', 'Country name (ISO 3166-1 alpha-2 code).'),
        string('type', 'A label indicating the function of this address.', { canonicalValues: ['work', 'home', 'other'] }),
        boolean('primary', 'Whether this address is the preferred one.'),
      ],
      { multiValued: true },
    ),
    complex(
      'groups',
      'Groups the user belongs to, directly or indirectly; changed through the Group resource.',
      [
        string('value', 'The id of the group.', { mutability: 'readOnly' }),
        reference('$ref', 'URI of the group.', ['User', 'Group'], { mutability: 'readOnly' }),
        string('display', "The group's display name.", { mutability: 'readOnly' }),
        string('type', 'How the membership is derived.', { canonicalValues: ['direct', 'indirect'], mutability: 'readOnly' }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    complex('entitlements', 'Entitlements of the user.', multiValuedSubAttributes('The entitlement.', []), {
      multiValued: true,
    }),
    complex('roles', 'Roles of the user.', multiValuedSubAttributes('The role.', []), { multiValued: true }),
    complex(
      'x509Certificates',
      'X.509 certificates issued to the user.',
      [
        binary('value', 'DER-encoded certificate, base64.'),
        string('display', 'A human-readable name, primarily used for display purposes.'),
        string('type', 'A label indicating the function of this certificate.'),
        boolean('primary', 'Whether this certificate is the preferred one.'),
      ],
      { multiValued: true },
    ),
  ],
};
