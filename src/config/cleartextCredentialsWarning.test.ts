import { cleartextCredentialsWarning } from './cleartextCredentialsWarning';

describe('cleartextCredentialsWarning', () => {
  it.each([
    ['https', { apiUrl: 'https://dev.azure.com' }, undefined],
    ['http to a remote server', { apiUrl: 'http://tfs.example.com/tfs' }, 'Profile acme: http://tfs.example.com is plain http, so the access token travels in clear text; use https'],
    ['http on loopback', { apiUrl: 'http://127.0.0.1:8080' }, undefined],
    ['http on localhost', { apiUrl: 'http://localhost:8080' }, undefined],
    ['http on IPv6 loopback', { apiUrl: 'http://[::1]:8080' }, undefined],
    ['an https broker, whatever apiUrl says', { apiUrl: 'http://tfs.example.com', broker: { url: 'https://broker.example.com', token: 'b-token' } }, undefined],
    ['an http broker', { apiUrl: 'https://dev.azure.com', broker: { url: 'http://broker.example.com:8000', token: 'b-token' } }, 'Profile acme: http://broker.example.com:8000 is plain http, so the broker token in every request path travels in clear text; use https'],
  ])('%s', (_name, fields, expected) => {
    const warning = cleartextCredentialsWarning({ id: 'acme', ...fields });
    expect(warning).toBe(expected);
    expect(warning ?? '').not.toContain('b-token');
  });
});
