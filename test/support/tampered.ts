/**
 * The text with its last character replaced by a different one. Secrets are random, so a fixed
 * replacement ("…x") equals the original whenever the secret happens to end in that character:
 * one run in 62, and the test then fails for no fault of the server.
 */
export function withLastCharacterChanged(text: string): string {
  return `${text.slice(0, -1)}${text.endsWith('x') ? 'y' : 'x'}`;
}
