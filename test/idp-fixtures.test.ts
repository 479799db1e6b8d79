import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from './support/databases.js';
import { buildRequest, capture, checkResponse, loadFixtureFolders, resolveVariables } from './support/idp-fixture.js';
import { startTestServer, type TestDirectory, type TestServer } from './support/test-server.js';

/**
 * Replays the recorded conversations of real identity providers (test/fixtures/<idp>/<scenario>/,
 * format in test/fixtures/README.md): each folder on a fresh server and directory, per backend,
 * one test per file, in name order. A failure names the file and the field.
 */
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const folders = loadFixtureFolders(FIXTURES);

describe('identity-provider fixtures', () => {
  it('are present', () => {
    assert.ok(folders.length >= 4, `expected the Entra and Okta fixture folders under ${FIXTURES}`);
    for (const folder of folders) assert.ok(folder.steps.length > 0, `${folder.name} has no NN-*.json steps`);
  });
});

for (const backend of BACKENDS) {
  for (const folder of folders) {
    describe(`${folder.name} replayed (${backend})`, () => {
      let server: TestServer;
      let directory: TestDirectory;
      let variables: Map<string, string>;
      let firstFailure: string | undefined;

      before(async () => {
        server = await startTestServer(backend);
        directory = await server.createDirectory();
        variables = resolveVariables(folder.variables, { secret: directory.secret, baseUrl: server.baseUrl });
      });
      after(() => server?.close());

      for (const { file, fixture } of folder.steps) {
        const title = fixture.description ? `${file}: ${fixture.description}` : file;
        it(title, async () => {
          // Each step depends on the captures and state of the ones before it.
          assert.equal(firstFailure, undefined, `not replayed: ${folder.name}/${firstFailure} failed first`);
          try {
            const request = buildRequest(fixture, variables);
            const started = performance.now();
            const response = await server.raw(request.method, request.path, { headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}) });
            if (fixture.response.maxMs !== undefined) {
              // The client's deadline is a figure for the bench, not a pass/fail on a loaded machine.
              console.log(`${folder.name}/${file} (${backend}): answered in ${Math.round(performance.now() - started)} ms; the client's deadline is ${fixture.response.maxMs} ms`);
            }
            const problems = checkResponse(fixture, response, variables);
            if (problems.length === 0) problems.push(...capture(fixture, response.body, variables));
            if (problems.length > 0) {
              const lines = problems.map((p) => `  ${p.pointer}: ${p.message}`).join('\n');
              assert.fail(
                `${folder.name}/${file} (${backend}): ${request.method} ${request.path}\n${lines}\n` +
                  `response ${response.status}: ${response.text.slice(0, 1500)}`,
              );
            }
          } catch (error) {
            firstFailure = file;
            throw error;
          }
        });
      }
    });
  }
}
