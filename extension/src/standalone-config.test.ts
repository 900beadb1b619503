// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { configFromTag } from './standalone-config.js';

function tag(html: string): HTMLScriptElement {
  document.body.innerHTML = html;
  return document.body.querySelector('script') as HTMLScriptElement;
}

describe('configFromTag', () => {
  it('reads the collector, key, switches, numbers and lists from data- attributes', () => {
    const config = configFromTag(
      tag(
        '<script data-collector="https://c.test" data-key="k1" data-auto-fix="false" data-reporting="true" data-retry-base-delay-ms="250" data-critical-selectors="#app, nav" data-service="shop"></script>',
      ),
    );
    expect(config).toEqual({
      collectorUrl: 'https://c.test',
      projectKey: 'k1',
      autoFixEnabled: false,
      reportingEnabled: true,
      retryBaseDelayMs: 250,
      criticalSelectors: ['#app', 'nav'],
      service: 'shop',
    });
  });

  it('ignores attributes that name no setting, and works without a tag', () => {
    expect(configFromTag(tag('<script data-foo="1" data-constructor="x"></script>'))).toEqual({});
    expect(configFromTag(null)).toEqual({});
  });
});
