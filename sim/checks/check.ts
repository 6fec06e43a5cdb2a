/** A named check of a run, with its verdict and a human-readable detail. */
export interface CheckResult {
  name: string;
  passed: boolean;
  detail: string;
}

export const pass = (name: string, detail: string): CheckResult => ({ name, passed: true, detail });
export const fail = (name: string, detail: string): CheckResult => ({ name, passed: false, detail });
