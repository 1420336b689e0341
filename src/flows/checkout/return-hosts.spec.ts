import { returnHosts } from './checkout-sessions.service';

describe('returnHosts (where Checkout may send donors back)', () => {
  const base = {
    CHECKOUT_RETURN_HOSTS: [] as string[],
    CORS_ORIGINS: ['https://Free-The-Seven.example.org', 'https://www.example.org:8443'],
    PUBLIC_BASE_URL: 'https://give.example.org',
  };

  it('in production without a list: the CORS origins and the public URL, by host name', () => {
    expect(returnHosts({ ...base, NODE_ENV: 'production' })).toEqual([
      'free-the-seven.example.org',
      'www.example.org',
      'give.example.org',
    ]);
  });

  it('a list wins everywhere', () => {
    const listed = { ...base, CHECKOUT_RETURN_HOSTS: ['Site.example'] };
    expect(returnHosts({ ...listed, NODE_ENV: 'production' })).toEqual(['site.example']);
    expect(returnHosts({ ...listed, NODE_ENV: 'development' })).toEqual(['site.example']);
  });

  it('outside production without a list: any host', () => {
    expect(returnHosts({ ...base, NODE_ENV: 'development' })).toBeNull();
  });
});
