/** Trimmed and lower-cased: the one spelling of an address we store and look up. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
