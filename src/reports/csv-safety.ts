/**
 * Text a donor typed (names, emails, messages) may start like a spreadsheet formula
 * (`=HYPERLINK(…)`, `+`, `-`, `@`, tab, carriage return): a leading `'` makes Excel, Numbers
 * and LibreOffice show it as text instead of evaluating it. Only for donor-entered cells:
 * amounts such as `-1500` must stay numbers.
 */
export function neutralizeFormula(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
