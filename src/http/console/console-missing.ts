/** The page `/` shows when the console has not been built, saying how to build it. */
export function consoleMissingPage(directory: string): string {
  const where = directory.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>scimd console not built</title></head>
<body>
<h1>The scimd console has not been built</h1>
<p>This server looked for it in <code>${where}</code> and found no <code>index.html</code>.</p>
<p>Build it from the source checkout with <code>npm run build</code> (or <code>npm start</code>, which builds first),
or point <code>SCIMD_CONSOLE_DIR</code> at a built console. The admin API at <code>/api/v1</code> works without it.</p>
</body>
</html>
`;
}
