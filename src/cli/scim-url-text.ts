/**
 * The tenant URL as `directory create` and `token create` print it. Through `--url` the server
 * said it; on the database it is only known when SCIMD_PUBLIC_URL (or SCIMD_HOST/SCIMD_PORT, as
 * scimd serve reads them) is set. Otherwise the default address is a guess and is printed as one.
 */
export function scimUrlText(scimUrl: string, options: { url?: string }, env: NodeJS.ProcessEnv = process.env): string {
  if (options.url || env.SCIMD_URL || env.SCIMD_PUBLIC_URL || env.SCIMD_HOST || env.SCIMD_PORT) return scimUrl;
  return `unknown from here: ${scimUrl} if scimd serve runs with its default --host and --port (set SCIMD_PUBLIC_URL, or use --url, to print the URL it really serves)`;
}
