/**
 * JSON parsing with a position in the error: V8's JSON.parse messages give a position for some
 * errors and not for others ("Unexpected token '}', ... is not valid JSON"), so when it fails a
 * small scanner walks the text to the first offending character and reports its line and column.
 * The scanner only runs on failure; it accepts exactly the JSON grammar (RFC 8259).
 */

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

export function parseJson(text: string): { value: unknown } | { error: JsonSyntaxError } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const offset = new JsonScanner(text).firstErrorOffset();
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    const found = offset >= text.length ? 'end of input' : JSON.stringify(text[offset]);
    return { error: { line, column, message: `unexpected ${found} (${(error as Error).message})` } };
  }
}

class Failure {
  constructor(readonly offset: number) {}
}

class JsonScanner {
  private i = 0;
  constructor(private readonly text: string) {}

  /** Offset of the first character that breaks the grammar (text.length for a premature end). */
  firstErrorOffset(): number {
    try {
      this.value();
      this.space();
      if (this.i < this.text.length) throw new Failure(this.i);
      return this.text.length;
    } catch (failure) {
      if (failure instanceof Failure) return failure.offset;
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
    this.i++;
    this.space();
    if (this.text[this.i] === close) {
      this.i++;
      return;
    }
    for (;;) {
      if (keyed) {
        this.space();
        if (this.text[this.i] !== '"') throw new Failure(this.i);
        this.value();
        this.space();
        if (this.text[this.i] !== ':') throw new Failure(this.i);
        this.i++;
      }
      this.value();
      this.space();
      const c = this.text[this.i];
      this.i++;
      if (c === close) return;
      if (c !== ',') throw new Failure(this.i - 1);
    }
  }
}
