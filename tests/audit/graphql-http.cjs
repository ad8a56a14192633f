// graphql-http's server audits (the GraphQL over HTTP spec) against the URL given; prints one line per audit and
// exits 1 when any MUST fails. Run by tests/e2e/http_edges.rs with NODE_PATH pointing at the npm tools.
const { auditServer } = require('graphql-http');

(async () => {
  const results = await auditServer({ url: process.argv[2] });
  let failed = 0;
  for (const result of results) {
    const line = `${result.status}\t${result.name}` + (result.status === 'ok' ? '' : `\t${result.reason}`);
    console.log(line);
    if (result.status !== 'ok' && result.name.startsWith('MUST')) failed += 1;
  }
  process.exit(failed === 0 ? 0 : 1);
})().catch((err) => {
  console.error(err);
  process.exit(2);
});
