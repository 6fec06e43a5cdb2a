/**
 * JSON parsing with a position in the error: V8's JSON.parse messages give a position for some
 * errors and not for others ("Unexpected token '}', ... is not valid JSON"), so a small scanner
 * walks the text and reports the line and column of the first offending character. It accepts
 * exactly the JSON grammar (RFC 8259) and also refuses what JSON.parse lets through silently: a key
 * given twice in one object (JSON.parse keeps the last) and nesting deeper than JSON_NESTING_MAX
 * (the scanner recurses; a scenario nests a few levels). A leading UTF-8 byte order mark is skipped.
 */

/** Arrays and objects nested inside each other, at most (a scenario needs about 5). */
export const JSON_NESTING_MAX = 256;

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
  /** Valid JSON grammar that is refused (a duplicate key, too deep), not a syntax error. */
  refused?: boolean;
}

export function parseJson(input: string): { value: unknown } | { error: JsonSyntaxError } {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const failure = new JsonScanner(text).firstFailure();
  if (failure === null) {
    try {
      return { value: JSON.parse(text) as unknown };
    } catch (error) {
      return { error: { line: 1, column: 1, message: (error as Error).message } };
    }
  }
  const { offset } = failure;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  if (failure.reason !== undefined) return { error: { line, column, message: failure.reason, refused: true } };
  let parserMessage = 'not valid JSON';
  try {
    JSON.parse(text);
  } catch (error) {
    parserMessage = (error as Error).message;
  }
  const found = offset >= text.length ? 'end of input' : JSON.stringify(text[offset]);
  return { error: { line, column, message: `unexpected ${found} (${parserMessage})` } };
}

/** Where the text stops being acceptable; `reason` for what is valid JSON grammar but refused. */
class Failure {
  constructor(
    readonly offset: number,
    readonly reason?: string,
  ) {}
}

class JsonScanner {
  private i = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  /** The first failure (offset text.length for a premature end), or null when the text is acceptable. */
  firstFailure(): Failure | null {
    try {
      this.value();
      this.space();
      if (this.i < this.text.length) throw new Failure(this.i);
      return null;
    } catch (failure) {
      if (failure instanceof Failure) return failure;
      throw failure;
    }
  }

  private space(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i] as string)) this.i++;
  }

  private expect(pattern: RegExp): void {
    pattern.lastIndex = this.i;
    const match = pattern.exec(this.text);
    if (match === null) throw new Failure(this.i);
    this.i += match[0].length;
  }

  private value(): void {
    this.space();
    const c = this.text[this.i];
    if (c === '{') return this.container('}', true);
    if (c === '[') return this.container(']', false);
    if (c === '"') return this.expect(/"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y);
    this.expect(/-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null/y);
  }

  private container(close: string, keyed: boolean): void {
    if (++this.depth > JSON_NESTING_MAX) {
      throw new Failure(this.i, `arrays and objects nested more than ${JSON_NESTING_MAX} deep (at most ${JSON_NESTING_MAX})`);
    }
    this.i++;
    this.space();
    if (this.text[this.i] === close) {
      this.i++;
      this.depth--;
      return;
    }
    const keys = keyed ? new Set<string>() : null;
    for (;;) {
      if (keys !== null) {
        this.space();
        if (this.text[this.i] !== '"') throw new Failure(this.i);
        const keyStart = this.i;
        this.value();
        const key = JSON.parse(this.text.slice(keyStart, this.i)) as string;
        if (keys.has(key)) throw new Failure(keyStart, `key ${JSON.stringify(key)} is given twice in one object (each key at most once)`);
        keys.add(key);
        this.space();
        if (this.text[this.i] !== ':') throw new Failure(this.i);
        this.i++;
      }
      this.value();
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === close) {
        this.depth--;
        return;
      }
      if (c !== ',') throw new Failure(this.i - 1);
    }
  }
}
