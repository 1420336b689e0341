import { DomainError } from '../errors/domain-error';
import { RejectNulPipe, findNul } from './reject-nul.pipe';

describe('RejectNulPipe', () => {
  const pipe = new RejectNulPipe();

  it('names the field that holds a NUL, however deep', () => {
    expect(findNul({ name: 'ok', address: { line1: 'a\u0000b' } }, '')).toBe('address.line1');
    expect(findNul({ tags: ['x', 'y\u0000'] }, '')).toBe('tags[1]');
    expect(findNul('clean', 'slug')).toBeNull();
  });

  it('refuses a body or a parameter with a NUL with a 400 naming it, and passes others', () => {
    expect(() => pipe.transform({ message: 'hi\u0000' }, { type: 'body' })).toThrow(
      new DomainError('validation_failed', 'message must not contain a NUL character'),
    );
    expect(() => pipe.transform('re\u0000lease', { type: 'param', data: 'slug' })).toThrow(
      'slug must not contain a NUL character',
    );
    const body = { amount: 2500, name: 'Łukasz' };
    expect(pipe.transform(body, { type: 'body' })).toBe(body);
  });
});
