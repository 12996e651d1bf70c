import type { Command } from 'commander';
import type { Session, Style, Version } from '../../core/model';
import type { WorkspaceStore } from '../../core/store';
import { argsOf, type CommandHost } from '../command-host';
import { usageError } from '../errors';
import { formatDuration, formatLoss, formatProgress, formatStatus, formatValue, trainingSeconds } from '../format';
import { parseVersionRef, refText, requireVersion, type VersionRef } from '../refs';
import { renderTable } from '../table';
import { parameterRows } from '../../shared/history';

export { parameterRows, type ParameterRow } from '../../shared/history';

interface CompareOptions {
  style?: string;
  differences?: boolean;
}

export interface CompareResults {
  status: Version['status'];
  sessionId: string | null;
  finalLoss: number | null;
  bestLoss: number | null;
  step: number | null;
  totalSteps: number | null;
  durationSeconds: number | null;
}

/** What a version has to show: its own status, and its newest session's outcome. */
function resultsOf(version: Version, session: Session | undefined, now: Date): CompareResults {
  return {
    status: version.status,
    sessionId: session?.id ?? null,
    finalLoss: session?.metricsSummary.finalLoss ?? null,
    bestLoss: session?.metricsSummary.bestLoss ?? null,
    step: session?.progress?.step ?? null,
    totalSteps: session?.progress?.totalSteps ?? null,
    durationSeconds: session ? trainingSeconds(session.attempts, now) : null,
  };
}

function loadAll(store: WorkspaceStore, refs: readonly VersionRef[]): { ref: VersionRef; style: Style; version: Version; session: Session | undefined }[] {
  return refs.map((ref) => {
    const { style, version } = requireVersion(store, ref);
    return { ref, style, version, session: store.newestSession(ref.styleId, ref.versionId) };
  });
}

/** `trainlab compare VERSION VERSION ...`: parameters side by side (differences marked) and results. */
export function registerCompare(program: Command, host: CommandHost): void {
  program
    .command('compare')
    .description('compare versions: parameters side by side, and how their newest sessions went')
    .argument('<versions...>', 'two or more versions, as STYLE/VERSION (or VERSION with --style)')
    .option('--style <id>', 'the style of versions given without one')
    .option('--differences', 'show only the parameters that differ')
    .action(
      host.action(async (ctx, cmd) => {
        const [texts] = argsOf<[string[]]>(cmd);
        const opts = cmd.opts<CompareOptions>();
        if (texts.length < 2) throw usageError('compare needs at least two versions');
        const refs = texts.map((t) => parseVersionRef(t, opts.style));
        const store = await ctx.openStore({ reconcile: true });
        const now = new Date();
        const items = loadAll(store, refs);
        const rows = parameterRows(items.map((i) => i.version.parameters));
        const results = items.map((i) => resultsOf(i.version, i.session, now));

        if (ctx.json) {
          return ctx.out.json({
            versions: items.map((i, n) => ({ styleId: i.ref.styleId, ...i.version, results: results[n] })),
            parameters: rows.map(({ present: _present, ...r }) => r),
          });
        }

        const { color } = ctx.out;
        const oneStyle = refs.every((r) => r.styleId === refs[0]!.styleId);
        const labels = refs.map((r) => (oneStyle ? r.versionId : refText(r)));
        const shown = opts.differences ? rows.filter((r) => r.differs) : rows;
        const paramTable = shown.map((r) => {
          const cells = r.values.map((v, n) => (Object.hasOwn(items[n]!.version.parameters, r.key) ? formatValue(v) : '-'));
          return r.differs ? [color.yellow('*'), color.yellow(r.key), ...cells.map(color.yellow)] : [' ', r.key, ...cells];
        });
        const differing = rows.filter((r) => r.differs).length;
        ctx.out.line(renderTable(['', 'PARAMETER', ...labels], paramTable, { paintHead: color.bold }));
        ctx.out.line(color.dim(`${differing} of ${rows.length} parameters differ (marked *)`));
        ctx.out.line();
        const resultRow = (name: string, cell: (r: CompareResults) => string) => [' ', name, ...results.map(cell)];
        ctx.out.line(
          renderTable(
            ['', 'RESULT', ...labels],
            [
              resultRow('status', (r) => formatStatus(r.status, color)),
              resultRow('session', (r) => r.sessionId ?? '-'),
              resultRow('final loss', (r) => formatLoss(r.finalLoss)),
              resultRow('best loss', (r) => formatLoss(r.bestLoss)),
              resultRow('steps', (r) => (r.step === null ? '-' : formatProgress({ step: r.step, totalSteps: r.totalSteps }))),
              resultRow('duration', (r) => formatDuration(r.durationSeconds)),
            ],
            { paintHead: color.bold },
          ),
        );
      }),
    );
}
