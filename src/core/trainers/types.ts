import type { ParamSpec } from './params';

/** What every trainer profile declares. Launch-related parts are added by the runner work. */
export interface TrainerDefinition {
  name: string;
  label: string;
  description: string;
  params: readonly ParamSpec[];
}
