// The detached runner's bundle entry (dist/runner.js). The runner wraps one trainer process
// for one session; launching, liveness and the exit record arrive with local training.
// Until then this entry only checks its arguments, so a mistaken call says what it is.
const USAGE = 'usage: node runner.js --session <session folder> -- <trainer argv...>\n(started by Trainlab; not meant to be run by hand)';

function main(argv: string[]): number {
  const sep = argv.indexOf('--');
  const sessionFlag = argv.indexOf('--session');
  if (sep < 0 || sessionFlag < 0 || sessionFlag > sep || !argv[sessionFlag + 1] || sep === argv.length - 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  process.stderr.write('trainlab runner: this build of Trainlab cannot launch trainings yet (local training comes with the runner).\n');
  return 1;
}

process.exitCode = main(process.argv.slice(2));
