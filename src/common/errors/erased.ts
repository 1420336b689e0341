/**
 * What donor erasure leaves in an error column that held text about the donor (a mail server's
 * refusal quotes the address, and may the name): the fact of the error, not its text. Each
 * owner of such a column writes this same value, so that erasing again finds nothing left.
 */
export const ERASED_ERROR = 'cleared: the donor was erased';
