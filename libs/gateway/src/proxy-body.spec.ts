import { LimitedBody, withCredential } from './proxy-body';

describe('withCredential', () => {
  const key = { headers: {}, field: { name: 'api_key', value: 'k' } };
  const request = (body: Buffer | LimitedBody | undefined) => ({
    headers: { a: '1' },
    target: '/translate?x=1',
    body,
  });

  it('puts a field into a held JSON body, with its new length', () => {
    const sent = withCredential(request(Buffer.from('{"q":"hi"}')), key);
    expect(JSON.parse((sent.body as Buffer).toString('utf8'))).toEqual({ q: 'hi', api_key: 'k' });
    expect(sent.headers['content-length']).toBe(String((sent.body as Buffer).length));
    expect(sent.target).toBe('/translate?x=1');
  });

  it('puts it into the query when the body is streamed or held but no JSON object (a form)', () => {
    const streamed = new LimitedBody(10);
    expect(withCredential(request(streamed), key)).toMatchObject({
      target: '/translate?x=1&api_key=k',
      body: streamed,
    });
    const form = Buffer.from('q=hi&target=es');
    expect(withCredential(request(form), key)).toMatchObject({
      target: '/translate?x=1&api_key=k',
      body: form,
    });
  });

  it('sets header credentials and leaves a request without a credential as it is', () => {
    const plain = request(undefined);
    expect(withCredential(plain, { headers: {} })).toBe(plain);
    expect(withCredential(plain, { headers: { authorization: 'Bearer k' } }).headers).toEqual({
      a: '1',
      authorization: 'Bearer k',
    });
  });
});
