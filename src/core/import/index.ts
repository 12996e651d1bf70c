/**
 * Readers for other tools' files (DESIGN.md "Trainlab also reads what other tools wrote"):
 * pure functions from a file's path and text to an import plan, plus a read-only folder scan.
 * Nothing here writes to a workspace; the store applies a plan.
 */
export type { FolderEntry, ImportedSession, ImportedStyle, ImportedVersion, ImportNote, ImportPlan, ImportReader, ReadOptions, SessionDataset } from './types';
export { READERS, detectAndRead, detectReader } from './detect';
export { collectImportFiles, scanImportFiles, classify, type FoundFile, type MatchStrength, type ScanResult } from './collect';
export { readImportPath, type ImportPathOptions } from './read-path';
export { mergePlans } from './plan';
export { mapStatus } from './status-map';
export { fluxgymStateReader, readFluxgymState, detectFluxgymState } from './fluxgym-state';
export { fluxgymScriptReader, readFluxgymScript, detectFluxgymScript } from './fluxgym-script';
export { trainingVersionsReader, readTrainingVersions, detectTrainingVersions } from './training-versions';
export { llmtoolReader, readLlmtool, detectLlmtool } from './llmtool';
export { kohyaJsonReader, kohyaTomlReader, readKohyaJson, readKohyaToml, detectKohyaJson, detectKohyaToml } from './kohya-config';
export { aiToolkitReader, readAiToolkit, detectAiToolkit } from './ai-toolkit';
export { oneTrainerReader, readOneTrainer, detectOneTrainer } from './onetrainer';
export { parseLaunchScript, tokenize, parseArgs, type LaunchCommand } from './shell-args';
export { applyImport, type ImportResult, type ApplyImportOptions } from './apply';
export * from './version-export';
