import { redact } from './redact';

describe('redact', () => {
  it.each([
    ['a long secret anywhere', 'url /broker/abcdef123/x and xabcdef123y', ['abcdef123'], 'url /broker/***/x and x***y'],
    ['every secret given', 'pat1234567 and cGF0MTIzNDU2Nw==', ['pat1234567', 'cGF0MTIzNDU2Nw=='], '*** and ***'],
    ['a short secret standing alone', 'path /broker/k3y/org, token "k3y".', ['k3y'], 'path /broker/***/org, token "***".'],
    ['a short secret at the start and end', 'k3y ... k3y', ['k3y'], '*** ... ***'],
    ['not a short secret inside a word', 'monkey k3yboard', ['k3y', 'key'], 'monkey k3yboard'],
    ['not a short secret inside base64', 'Basic azN5Ok=', ['azN'], 'Basic azN5Ok='],
    ['regular expression characters literally', 'a.b*c and axbc', ['.b*'], 'a.b*c and axbc'],
    ['a short secret with regex characters', 'x (a+) y', ['(a+)'], 'x *** y'],
    ['nothing for an empty secret', 'text', [''], 'text'],
  ])('removes %s', (_name, text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });
});
