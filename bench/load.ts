/**
 * The load tool (the product description's tests/load_test.py, in TypeScript):
 *   npm run load -- --connections 1000 --duration 300 [--url http://127.0.0.1:3000]
 *   npm run load -- --live --connections 50 --duration 60 [--url http://127.0.0.1:3000]
 */
import { formatReport, runLoad } from './load-run';
import { runLiveLoad } from './load-live';
import { parseLoadOptions } from './load-options';

async function main(): Promise<void> {
  const options = parseLoadOptions(process.argv.slice(2));
  if (options.live) {
    process.stdout.write(`${await runLiveLoad(options, (line) => process.stderr.write(`${line}\n`))}\n`);
    return;
  }
  const report = await runLoad(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
