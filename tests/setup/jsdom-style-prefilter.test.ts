// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  installStylePrefilter,
  requirementOf,
  type StylePrefilter,
} from '../helpers/jsdom-style-prefilter.ts';

/** jsdom's implementation object behind a DOM wrapper. */
function implOf(wrapper: object): { nodeType: number; localName?: string } {
  const symbol = Object.getOwnPropertySymbols(wrapper).find((s) => s.description === 'impl');
  if (!symbol) throw new Error('no jsdom impl');
  return (wrapper as Record<symbol, { nodeType: number; localName?: string }>)[symbol];
}

/** As jsdom's style-rules.js reads a check: truthy `match` (it can be undefined), no pseudo-element, no throw. */
function matches(check: StylePrefilter['original'], selector: string, element: Element) {
  try {
    const { match, pseudoElement } = check(selector, implOf(element));
    return Boolean(match) && !pseudoElement;
  } catch {
    return false;
  }
}

/** Records every selector jsdom checks while computing the style of the given elements. */
function selectorsChecked(prefilter: StylePrefilter, elements: Element[]): string[] {
  const seen = new Set<string>();
  prefilter.uninstall();
  const record = installStylePrefilter(document, (selector) => {
    seen.add(selector);
    return null;
  });
  try {
    for (const element of elements) getComputedStyle(element).getPropertyValue('display');
  } finally {
    record?.uninstall();
    installStylePrefilter(document);
  }
  return [...seen];
}

/**
 * A page with every tag name given, with the attributes the default stylesheet's rules test, plus
 * nested lists, a table, links, dialogs and SVG.
 */
function buildPage(tags: string[]): Element[] {
  document.body.replaceChildren();
  document.body.innerHTML =
    '<ul><li><ul><li>nested</li></ul><menu><ol><li>x</li></ol></menu></li></ul>' +
    '<dl><dd><dir><dl><dt>x</dt></dl></dir></dd></dl>' +
    '<table><tbody><tr hidden><td>x</td></tr></tbody></table>' +
    '<a href="#y">link</a><bdi dir="ltr">b</bdi><input type="tel" dir="ltr">' +
    '<dialog></dialog><dialog open></dialog><img sizes="auto, 10px">' +
    '<svg><foreignObject><div>in svg</div></foreignObject><a><text>t</text></a></svg>';
  // Created one by one, not parsed, so the parser moves or drops none of them.
  // (With every attribute, so that rules testing them can match; the markup above has plain ones.)
  for (const tag of tags) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(ATTRIBUTES)) element.setAttribute(name, value);
    document.body.append(element);
  }
  return [document.documentElement, document.head, ...document.body.querySelectorAll('*')];
}

/** Attributes the default stylesheet's rules test. */
const ATTRIBUTES = {
  hidden: '',
  dir: 'rtl',
  popover: '',
  open: '',
  type: 'hidden',
  href: '#x',
  sizes: 'auto',
};

describe(requirementOf, () => {
  /** A requirement as sorted lists, for readable comparisons. */
  const lists = (selector: string) => {
    const requirement = requirementOf(selector);
    return (
      requirement && {
        tags: [...requirement.tags].sort(),
        attributes: [...requirement.attributes].sort(),
        bareTags: [...requirement.bareTags].sort(),
      }
    );
  };

  it.each([
    ['address, blockquote', ['address', 'blockquote'], [], ['address', 'blockquote']],
    ['ul ul', ['ul'], [], []],
    ['a > B', ['b'], [], []],
    ['input[type=hidden i]', ['input'], [], []],
    ['img:is([sizes="auto" i], [sizes^="auto," i])', ['img'], [], []],
    [':is(dir, menu, ol, ul) :is(dir, menu, ul)', ['dir', 'menu', 'ul'], [], []],
    ['[hidden]:not([hidden="until-found" i]):not(embed)', [], ['hidden'], []],
    ['[dir]:dir(ltr), bdi:dir(ltr)', ['bdi'], ['dir'], []],
    ['q::before, q::after', [], [], []],
    ['div::first-line', ['div'], [], []],
  ])('%s needs one of the tags %j or attributes %j', (selector, tags, attributes, bareTags) => {
    expect(lists(selector)).toEqual({ tags, attributes, bareTags });
  });

  it.each(['a:link, :focus-visible', '*', 'svg|a', '[lang|=en]', 'x\\:y', '.note'])(
    '%s is left to jsdom',
    (selector) => {
      expect(requirementOf(selector)).toBeNull();
    },
  );
});

describe(installStylePrefilter, () => {
  it('is installed on the test document (a jsdom upgrade that drops its hook fails here)', () => {
    const installed = installStylePrefilter(document);
    expect(installed).toBeDefined();
    // Once per document: the setup file installed it already.
    expect(installStylePrefilter(document)).toBe(installed);
  });

  it('answers every rule of the default stylesheet for every element exactly as jsdom does, and skips most', () => {
    const prefilter = installStylePrefilter(document)!;
    const seed = buildPage(['div']);
    const selectors = selectorsChecked(prefilter, seed);
    expect(selectors.length).toBeGreaterThan(100);
    // Every tag a rule names, and some no rule names.
    const tags = [
      ...new Set(
        selectors.flatMap((selector) => {
          const requirement = requirementOf(selector);
          return requirement ? [...requirement.tags, ...requirement.bareTags] : [];
        }),
      ),
      'span',
      'section',
      'custom-element',
    ];
    const elements = buildPage(tags);
    expect(elements.length).toBeGreaterThan(90);

    const fast = installStylePrefilter(document)!;
    const differences: string[] = [];
    let decided = 0;
    for (const element of elements)
      for (const selector of selectors) {
        const before = fast.skipped();
        const answer = matches(fast.prefiltered, selector, element);
        // Only the answers the prefilter gave itself can differ from jsdom's.
        if (fast.skipped() === before) continue;
        decided++;
        if (answer !== matches(fast.original, selector, element))
          differences.push(`${element.localName}: ${selector}`);
      }
    expect(differences).toEqual([]);
    expect(decided).toBeGreaterThan((elements.length * selectors.length) / 2);

    // Same answers for every rule means the same cascade: jsdom visits the rules in their order.
  }, 30_000);

  it('control: a prefilter that wrongly leaves out one tag gives other computed styles', () => {
    const elements = buildPage(['li', 'div', 'ul']);
    installStylePrefilter(document)!.uninstall();
    const broken = installStylePrefilter(document, (selector) => {
      const requirement = requirementOf(selector);
      const withoutLi = (tags: Set<string>) => new Set([...tags].filter((tag) => tag !== 'li'));
      return (
        requirement && {
          ...requirement,
          tags: withoutLi(requirement.tags),
          bareTags: withoutLi(requirement.bareTags),
        }
      );
    })!;
    const styles = () => elements.map((element) => getComputedStyle(element).cssText);
    let wrong: string[];
    try {
      wrong = styles();
    } finally {
      // The later files in this worker's jsdom get the real prefilter back, whatever happens.
      broken.uninstall();
      installStylePrefilter(document);
    }
    document.body.setAttribute('data-invalidate', '2');
    const right = styles();
    expect(wrong).not.toEqual(right);
  });
});
