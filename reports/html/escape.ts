/** Escaping for the report's HTML: text, attributes, and JSON inside a script element. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string | number | boolean | null | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/** JSON that cannot close its script element or start a comment. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Tagged template: interpolated values are escaped unless wrapped with raw(). */
export class Raw {
  constructor(readonly html: string) {}
}

export const raw = (html: string): Raw => new Raw(html);

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((value, index) => {
    const part = Array.isArray(value) ? value.map((item) => (item instanceof Raw ? item.html : escapeHtml(item as string))).join('') : value instanceof Raw ? value.html : escapeHtml(value as string);
    out += part + strings[index + 1]!;
  });
  return raw(out);
}
