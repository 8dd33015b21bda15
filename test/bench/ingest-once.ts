/**
 * Child process of the memory benchmark: the real inbound handler on one SES event (argv[2], JSON), in a
 * process of its own so the RSS measured is the ingest's alone. run.ts bundles this file with esbuild the way
 * the Lambda is bundled and runs it with plain node; the environment points it at the local stack.
 * Prints one JSON line: peak RSS sampled every 20 ms, ru_maxrss, RSS once loaded, and the duration.
 */
import { handler } from '../../functions/inbound/handler';

async function main(): Promise<void> {
  const event: unknown = JSON.parse(process.argv[2]);
  const rssLoaded = process.memoryUsage().rss;
  let peakRss = rssLoaded;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = performance.now();
  await handler(event);
  const ms = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  // maxRSS is in kilobytes.
  process.stdout.write(`${JSON.stringify({ peakRss, maxRss: process.resourceUsage().maxRSS * 1024, rssLoaded, ms })}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
