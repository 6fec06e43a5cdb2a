/** Input errors of reports/: a result file or folder that cannot be read names the file and the field. */
import { LobsimError } from '../engine/errors.js';

/** A result file, sweep folder or baseline that is missing, unreadable or malformed. Exit code 2. */
export class ReportInputError extends LobsimError {
  constructor(message: string) {
    super('LOBSIM_ERR_INPUT', message);
    this.name = 'ReportInputError';
  }
}
