import { startApertium, type ExternalService } from '../support/test-services';

/** The real Debian APY started with its own parallelism, as the pipeline benchmark starts it. */
describe('Apertium APY with several server processes and pipelines', () => {
  let apertium: ExternalService | undefined;

  afterEach(async () => {
    await apertium?.stop();
  });

  it('translates concurrent requests, and stopping it leaves no forked server listening', async () => {
    apertium = await startApertium({ processes: 2, maxPipesPerPair: 2, maxUsersPerPipe: 1 });
    const { url } = apertium;
    const answers = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const response = await fetch(
          `${url}/translate?langpair=eng|spa&q=${encodeURIComponent('Good morning')}`,
        );
        return ((await response.json()) as { responseData: { translatedText: string } }).responseData
          .translatedText;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 8 }, () => 'Buenos días'));

    await apertium.stop();
    apertium = undefined;
    const refused = await fetch(`${url}/listPairs`).then(
      () => 'answered',
      (error: { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
  });
});
