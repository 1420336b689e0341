/** Formats an instant as its day (YYYY-MM-DD) in a time zone. */
export function dayFormatter(timeZone: string): (at: Date) => string {
  // en-CA formats as YYYY-MM-DD.
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return (at) => format.format(at);
}
