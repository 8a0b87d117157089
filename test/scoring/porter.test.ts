import { describe, expect, it } from 'vitest';
import { porterStem } from '../../src/scoring/index.js';

describe('porterStem (NLTK PorterStemmer, NLTK_EXTENSIONS mode)', () => {
  it('maps the irregular forms from the NLTK pool', () => {
    const pool: Record<string, string> = {
      dying: 'die',
      lying: 'lie',
      tying: 'tie',
      skies: 'sky',
      sky: 'sky',
      news: 'news',
      innings: 'inning',
      outings: 'outing',
      cannings: 'canning',
      howe: 'howe',
      proceed: 'proceed',
      exceed: 'exceed',
      succeed: 'succeed',
    };
    for (const [word, stem] of Object.entries(pool)) expect(porterStem(word), word).toBe(stem);
  });

  it('reproduces the NLTK docstring example', () => {
    const words =
      'caresses flies dies mules denied died agreed owned humbled sized meeting stating siezing itemization sensational traditional reference colonizer plotted';
    expect(words.split(' ').map(porterStem).join(' ')).toBe(
      'caress fli die mule deni die agre own humbl size meet state siez item sensat tradit refer colon plot',
    );
  });

  it('applies the NLTK extensions that differ from the original algorithm', () => {
    expect(porterStem('ties')).toBe('tie'); // 4-letter -ies
    expect(porterStem('died')).toBe('die'); // 4-letter -ied
    expect(porterStem('spied')).toBe('spi');
    expect(porterStem('enjoy')).toBe('enjoy'); // y -> i only after a consonant
    expect(porterStem('happy')).toBe('happi');
    expect(porterStem('geology')).toBe('geolog'); // logi -> log with the l counted in the stem
    expect(porterStem('radically')).toBe('radic'); // alli -> al first, then step 2 again
    expect(porterStem('generously')).toBe('gener');
  });

  it('leaves words of two letters or fewer alone and lower-cases', () => {
    expect(porterStem('is')).toBe('is');
    expect(porterStem('as')).toBe('as');
    expect(porterStem('Running')).toBe('run');
  });
});
