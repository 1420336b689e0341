import { clientOf, keyedDigest, mailboxOf } from './abuse-keys';

describe('abuse keys', () => {
  it('counts one mailbox whatever its case, spaces or +tag', () => {
    expect(mailboxOf(' Donor+test1@Example.ORG ')).toBe('donor@example.org');
    expect(mailboxOf('donor@example.org')).toBe('donor@example.org');
    // Gmail ignores dots and answers to two domain names: one mailbox.
    for (const spelling of ['v.ictim@gmail.com', 'Vic.Tim+x@GoogleMail.com', 'victim@gmail.com'])
      expect(mailboxOf(spelling)).toBe('victim@gmail.com');
    // Elsewhere a dot is part of the name.
    expect(mailboxOf('j.doe@example.org')).not.toBe(mailboxOf('jdoe@example.org'));
    expect(mailboxOf('+only@example.org')).toBe('+only@example.org');
  });

  it('counts an IPv6 client by its /64, an IPv4 one by its address', () => {
    expect(clientOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientOf('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(clientOf('::1')).toBe('0:0:0:0::/64');
    expect(clientOf('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientOf('203.0.113.9')).toBe('203.0.113.9');
    expect(clientOf(undefined)).toBe('unknown');
  });

  it('digests under a key: the value is not in the digest, another key gives another digest', () => {
    const a = keyedDigest('sk_test_a')('donor@example.org');
    expect(a).not.toContain('donor');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keyedDigest('sk_test_b')('donor@example.org')).not.toBe(a);
    expect(keyedDigest('sk_test_a')('donor@example.org')).toBe(a);
  });
});
