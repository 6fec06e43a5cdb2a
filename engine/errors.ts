/**
 * Errors with codes, fastify style: every user-facing failure has a stable `code` that the README
 * documents (a test checks that each code here appears there).
 */
export class LobsimError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'LobsimError';
    this.code = code;
  }
}

/** A bad engine, instrument or scenario option: the message names the field and the allowed range. */
export class ConfigError extends LobsimError {
  constructor(message: string) {
    super('LOBSIM_ERR_CONFIG', message);
    this.name = 'ConfigError';
  }
}

/** An engine invariant does not hold (a bug, never a user error). */
export class InvariantError extends LobsimError {
  constructor(message: string) {
    super('LOBSIM_ERR_INVARIANT', message);
    this.name = 'InvariantError';
  }
}

export const ERROR_CODES = ['LOBSIM_ERR_CONFIG', 'LOBSIM_ERR_INVARIANT', 'LOBSIM_ERR_ADDON', 'LOBSIM_ERR_INPUT', 'LOBSIM_ERR_USAGE', 'LOBSIM_ERR_RUN', 'LOBSIM_ERR_SCENARIO', 'LOBSIM_ERR_CLOSED'] as const;
