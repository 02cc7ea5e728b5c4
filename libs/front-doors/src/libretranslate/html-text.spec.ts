import { translateHtml } from './html-text';

describe('translateHtml', () => {
  const upper = (text: string) => Promise.resolve(text.toUpperCase());

  it('translates the text between tags and keeps the markup and whitespace', async () => {
    expect(await translateHtml('<p class="x">Hello <b>world</b> </p>', upper)).toBe(
      '<p class="x">HELLO <b>WORLD</b> </p>',
    );
  });

  it('decodes entities for the engine and escapes its answer', async () => {
    const seen: string[] = [];
    const echo = (text: string) => {
      seen.push(text);
      return Promise.resolve(text);
    };
    expect(await translateHtml('<i>Tom &amp; Jerry &lt;3</i>', echo)).toBe('<i>Tom &amp; Jerry &lt;3</i>');
    expect(seen).toEqual(['Tom & Jerry <3']);
  });

  it('leaves scripts, styles and comments alone', async () => {
    expect(await translateHtml('<style>a{}</style><!-- note -->hi<script>x()</script>', upper)).toBe(
      '<style>a{}</style><!-- note -->HI<script>x()</script>',
    );
  });
});
