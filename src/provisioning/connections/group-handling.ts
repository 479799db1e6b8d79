import type { TargetProfile } from './connection.js';

/** What a probe learned of member handling, in the words Test Connection and `connection show` use. */
export function describeGroupHandling(profile: TargetProfile): string {
  const yesNo = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no' : 'unknown');
  return `POST keeps members: ${yesNo(profile.keepsMembersOnPost)}; GET shows members: ${yesNo(profile.showsMembersOnGet)}`;
}
