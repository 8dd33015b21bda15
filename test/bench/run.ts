/**
 * `npm run bench`: the inbound chain's figures against its targets, on this machine, with its own local AWS
 * stack (free ports, stopped at the end). Prints a summary and writes test/bench/latest.json (ignored by git: the
 * README keeps the figures worth keeping).
 * BENCH_MESSAGES sets the throughput run's size (default 300).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { startLocalAws } from '../../bin/local/aws-servers';
import { LOCAL_RESOURCE_ENV, provisionLocalResources } from '../../bin/local/provision';
import { fixtureMessages, generatedMessages } from './corpus';
import { measureCpu } from './cpu';
import { measureAttribution } from './attribution';
import { BUNDLE_TARGETS, bundleMet, measureBundles, printBundles } from './bundles';

const MB = 1024 * 1024;
const TARGETS = { cpuRatio: 1.25, roundTrips: 3, peakRssMb: 256 };
const fixed = (value: number, digits = 2) => Number(value.toFixed(digits));

async function main(): Promise<void> {
  const began = Date.now();
  // The SDK's "node >= 22 from 2027" notice would interleave with the figures (here and in the child).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const machine = {
    os: `${type()} ${release()} (${process.arch})`,
    cpu: `${cpus()[0]?.model ?? 'unknown'} x ${cpus().length}`,
    memoryGb: fixed(totalmem() / 1024 ** 3, 1),
    node: process.version,
    loadAverageAtStart: loadavg().map((load) => fixed(load)),
  };
  console.log(`Machine: ${machine.os}; ${machine.cpu}; ${machine.memoryGb} GB; node ${machine.node}; load ${machine.loadAverageAtStart.join(' ')}\n`);

  // 1. CPU first, before DynamoDB Local's JVM and s3rver share the cores.
  const fixtures = fixtureMessages();
  const corpus = [...fixtures, ...generatedMessages(200)];
  console.log(`1. CPU per message: ${fixtures.length} fixtures + ${corpus.length - fixtures.length} generated messages ...`);
  const cpu = await measureCpu(corpus);
  console.log(`   baseline = new MailParser(MAILPARSER_OPTIONS) consuming each message (attachments drained, released): ${cpu.mailparserUsPerMessage.toFixed(0)} µs/msg`);
  console.log(`   chain    = ingestInbound over in-memory ports (parse → screen → find inbox → classify → attribute → thread, no writes): ${cpu.chainUsPerMessage.toFixed(0)} µs/msg`);
  console.log(`   ratio ${cpu.ratio.toFixed(2)}, target ≤ ${TARGETS.cpuRatio}: ${cpu.ratio <= TARGETS.cpuRatio ? 'met' : 'NOT met'} (median of ${cpu.rounds} rounds x ${cpu.passesPerRound} passes; per round ${cpu.roundRatios.map((r) => r.toFixed(2)).join(' ')})`);
  for (const [kind, figures] of Object.entries(cpu.byKind)) {
    console.log(`     ${kind.padEnd(8)} ${String(figures.messages).padStart(3)} msgs: ${figures.mailparserUsPerMessage.toFixed(0).padStart(5)} → ${figures.chainUsPerMessage.toFixed(0).padStart(5)} µs/msg, ratio ${figures.ratio.toFixed(2)}`);
  }
  console.log();

  console.log('1b. Attribution: the decision chain against mailparser alone and the naive chain (mailparser + email-forward-parser with and without the subject) ...');
  const attribution = await measureAttribution();
  for (const [name, figures] of Object.entries(attribution.corpora)) {
    console.log(`   ${name.padEnd(11)} ${String(figures.messages).padStart(4)} msgs: mailparser ${figures.mailparserUsPerMessage.toFixed(0)}, naive ${figures.naiveUsPerMessage.toFixed(0)}, chain ${figures.chainUsPerMessage.toFixed(0)} µs/msg; chain ÷ mailparser ${figures.ratioToMailparser.toFixed(2)}, chain ÷ naive ${figures.ratioToNaive.toFixed(2)}`);
  }
  console.log(`   named as expected on the attribution corpus (${attribution.accuracy.messages} msgs): chain ${(100 * attribution.accuracy.chain).toFixed(1)}%, naive ${(100 * attribution.accuracy.naive).toFixed(1)}%\n`);
  console.log(`1c. Lambda bundles as cdk synth builds them: size (≤ ${BUNDLE_TARGETS.maxBytes / 1024} KB) and cold import in a fresh process (≤ ${BUNDLE_TARGETS.maxImportMs} ms of CPU), median of 7 ...`);
  const bundles = measureBundles();
  printBundles(bundles);
  console.log();

  const aws = await startLocalAws();
  let results;
  try {
    // Fixture-style addresses are under inbox.example.com; silent logs. The memory child inherits this.
    Object.assign(process.env, aws.env, LOCAL_RESOURCE_ENV, { INBOX_DOMAIN: 'inbox.example.com', POWERTOOLS_LOG_LEVEL: 'SILENT' });
    await provisionLocalResources();
    const e2e = await import('./e2e');

    console.log('2. Sequential DynamoDB round trips through the handler ...');
    const roundTrips = await e2e.measureRoundTrips();
    for (const [name, run] of Object.entries(roundTrips)) {
      console.log(`   ${name}: ${run.outcome} (${run.rule}); DynamoDB ${run.dynamoLevels.length}: ${run.dynamoLevels.map((level) => `[${level.join(', ')}]`).join(' → ')}; S3 ${run.s3Levels.length}: ${run.s3Levels.map((level) => `[${level.join(', ')}]`).join(' → ')}`);
    }

    console.log('\n3. Peak RSS ingesting a 40 MB message (child process, bundled like the Lambda) ...');
    const memory = await e2e.measureMemory();
    console.log(`   ${(memory.messageBytes / MB).toFixed(1)} MB message, ${(memory.attachmentBytes / MB).toFixed(0)} MB of attachments: ${memory.outcome} in ${memory.ingestSeconds.toFixed(1)} s; ${memory.problems.length ? `PROBLEMS: ${memory.problems.join('; ')}` : 'attachments verified (size, sha256, S3 object size)'}`);
    console.log(`   RSS: ${(memory.rssLoaded / MB).toFixed(0)} MB loaded, peak ${(memory.peakRss / MB).toFixed(0)} MB (sampled every 20 ms), ru_maxrss ${(memory.maxRss / MB).toFixed(0)} MB\n`);

    const count = Number(process.env.BENCH_MESSAGES ?? 300);
    console.log(`4. Throughput: ${count} generated messages per run ...`);
    const throughput = [];
    for (const run of [() => e2e.handlerThroughput(count, 1), () => e2e.handlerThroughput(count, 8), () => e2e.smtpThroughput(count, 8)]) {
      const result = await run();
      throughput.push(result);
      console.log(`   ${result.via.padEnd(7)} concurrency ${result.concurrency}: ${result.perSecond.toFixed(1)} msg/s (${result.seconds.toFixed(1)} s; ${result.stored}/${result.messages} stored)`);
    }
    console.log('\n5. Agent workspace: first page of each view with 10,000 conversations through the local HTTP API; a reply ...');
    const workspace = await (await import('./workspace')).measureWorkspace();
    for (const [name, view] of Object.entries(workspace.views)) console.log(`   ${name.padEnd(14)} p50 ${view.p50Ms} ms, p99 ${view.p99Ms} ms (${view.requests} requests, ${view.listed} listed)`);
    console.log(`   reply (${workspace.reply.status}): DynamoDB ${workspace.reply.dynamoLevels.length}: ${workspace.reply.dynamoLevels.map((level) => `[${level.join(', ')}]`).join(' → ')}; SES calls ${workspace.reply.sesCalls}`);
    results = { roundTrips, memory, throughput, workspace };
  } finally {
    await aws.stop();
  }

  const worstRoundTrips = Math.max(results.roundTrips.newMessage.dynamoLevels.length, results.roundTrips.reply.dynamoLevels.length);
  const peakMb = Math.max(results.memory.peakRss, results.memory.maxRss) / MB;
  const summary = [
    { figure: 'CPU per message, chain / mailparser alone', target: `≤ ${TARGETS.cpuRatio}`, measured: fixed(cpu.ratio), met: cpu.ratio <= TARGETS.cpuRatio },
    ...Object.entries(attribution.corpora).flatMap(([name, figures]) => [
      { figure: `CPU per message, ${name} corpus, chain / mailparser alone`, target: `≤ ${TARGETS.cpuRatio}`, measured: fixed(figures.ratioToMailparser), met: figures.ratioToMailparser <= TARGETS.cpuRatio },
      { figure: `CPU per message, ${name} corpus, chain / naive chain`, target: '< 1', measured: fixed(figures.ratioToNaive), met: figures.ratioToNaive < 1 },
    ]),
    { figure: 'Attribution corpus named as expected, chain (naive)', target: '100%', measured: `${fixed(100 * attribution.accuracy.chain, 1)}% (${fixed(100 * attribution.accuracy.naive, 1)}%)`, met: attribution.accuracy.chain === 1 },
    { figure: 'Sequential DynamoDB round trips (new, reply)', target: `≤ ${TARGETS.roundTrips}`, measured: `${results.roundTrips.newMessage.dynamoLevels.length}, ${results.roundTrips.reply.dynamoLevels.length}`, met: worstRoundTrips <= TARGETS.roundTrips },
    { figure: 'Peak RSS, 40 MB message (MB)', target: `≤ ${TARGETS.peakRssMb}`, measured: fixed(peakMb, 0), met: peakMb <= TARGETS.peakRssMb && results.memory.problems.length === 0 },
    ...bundles.map((bundle) => ({
      figure: `Bundle ${bundle.function}: KB, import CPU ms`,
      target: `≤ ${BUNDLE_TARGETS.maxBytes / 1024}, ≤ ${BUNDLE_TARGETS.maxImportMs}`,
      measured: `${fixed(bundle.bytes / 1024, 0)}, ${fixed(bundle.importCpuMs, 0)}`,
      met: bundleMet(bundle),
    })),
    ...Object.entries(results.workspace.views).map(([name, view]) => ({ figure: `View ${name}, first page, p99 ms (p50)`, target: '≤ 50', measured: `${view.p99Ms} (${view.p50Ms})`, met: view.p99Ms <= 50 })),
    { figure: 'Reply: sequential DynamoDB round trips + SES calls', target: '≤ 3 + 1', measured: `${results.workspace.reply.dynamoLevels.length} + ${results.workspace.reply.sesCalls}`, met: results.workspace.reply.dynamoLevels.length <= 3 && results.workspace.reply.sesCalls === 1 && results.workspace.reply.status === 201 },
    ...results.throughput.map((run) => ({ figure: `Messages/s, ${run.via}, concurrency ${run.concurrency}`, target: 'all stored', measured: fixed(run.perSecond, 1), met: run.stored === run.messages })),
  ];
  console.log('\nSummary');
  console.table(summary.map((row) => ({ ...row, met: row.met ? 'yes' : 'NO' })));

  const report = { generatedAt: new Date().toISOString(), durationSeconds: fixed((Date.now() - began) / 1000, 0), machine, targets: { ...TARGETS, bundles: BUNDLE_TARGETS }, summary, cpu, attribution, bundles, ...results };
  writeFileSync(join(__dirname, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Wrote test/bench/latest.json (${report.durationSeconds} s).`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
