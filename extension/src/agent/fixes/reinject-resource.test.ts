import { describe, expect, it } from 'vitest';
import { cacheBusted } from './reinject-resource.js';

describe('cacheBusted', () => {
  it('adds the query before the fragment, keeping any query there is', () => {
    expect(cacheBusted('https://x.test/a.js', 7)).toBe('https://x.test/a.js?selfheal_retry=7');
    expect(cacheBusted('https://x.test/a.js?v=1#top', 7)).toBe(
      'https://x.test/a.js?v=1&selfheal_retry=7#top',
    );
  });
});
