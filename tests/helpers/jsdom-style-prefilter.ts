/**
 * A faster, exact `getComputedStyle` for the jsdom test files: a tag-name and attribute prefilter
 * for jsdom's style-rule matching.
 *
 * Why: Testing Library's role queries ask `getComputedStyle` whether every candidate element, its
 * ancestors and the descendants that make up its accessible name are hidden. jsdom answers by
 * matching each of the 111 rules of its default (user-agent) stylesheet against the element, one
 * `DOMSelector.check` call each, and throws the answers away on the next DOM change (measured:
 * `getComputedStyle` was 45 % of the busy CPU of tests/workspace/workspace.test.tsx, 80 % of it in
 * those `check` calls). Most of those rules end in a type selector (`address, blockquote, …`) or an
 * attribute selector, and an element without that tag name or attribute cannot match them.
 *
 * How: the document's `DOMSelector.check` (used by jsdom only to match style rules, in
 * living/helpers/style-rules.js) is wrapped. From each selector list it reads what the subject of
 * every complex selector requires: a tag name (a type selector, or `:is()` of plain ones) or an
 * attribute (`[hidden]`, `[dir]`, ...). An element with none of them cannot match, and gets "no
 * match" at once; an HTML element whose tag name is a whole complex selector by itself (`div` in
 * `address, …, div, …`) matches, and gets "match" at once. A subject ending in a pseudo-element
 * never counts (style-rules.js drops those). Every other selector, and every other element, goes
 * to jsdom's own `check`, and the rules are still visited in their order, so the cascade is
 * jsdom's. Anything the parser is unsure of (escapes, namespaces) goes to `check` as well.
 * tests/setup/jsdom-style-prefilter.test.ts proves the answers equal jsdom's for every rule of the
 * default stylesheet and the elements it names, and that a wrong prefilter is caught.
 */

/** jsdom's DOMSelector#check, as style-rules.js calls it. */
type Check = (
  selector: string,
  node: {
    nodeType: number;
    localName?: string;
    namespaceURI?: string | null;
    getAttributeNames?: () => string[];
  },
  options?: unknown,
) => { match: boolean; pseudoElement: string | null };

const HTML_NS = 'http://www.w3.org/1999/xhtml';

/** What {@link installStylePrefilter} did. */
export interface StylePrefilter {
  /** jsdom's own check, unwrapped (for the equivalence test). */
  original: Check;
  /** The wrapped check now installed on the document. */
  prefiltered: Check;
  /** How many checks the prefilter answered without calling jsdom's. */
  skipped: () => number;
  /** Puts jsdom's own check back. */
  uninstall: () => void;
}

const INSTALLED = Symbol.for('cachelab.stylePrefilter');

/** Splits at top-level separators: outside (), [] and quotes. */
function splitTopLevel(text: string, isSeparator: (char: string) => boolean): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (depth === 0 && isSeparator(char)) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const COMBINATOR = /[\s>+~]/;
const TYPE = /^([a-zA-Z][a-zA-Z0-9-]*)(?=$|[.#[:])/;
const IS_TYPES =
  /^:is\(\s*([a-zA-Z][a-zA-Z0-9-]*(?:\s*,\s*[a-zA-Z][a-zA-Z0-9-]*)*)\s*\)(?=$|[.#[:])/;
const ATTRIBUTE = /^\[\s*([a-zA-Z][a-zA-Z0-9-]*)\s*(?:[\]=~^$*])/;
const BARE_TYPE = /^[a-zA-Z][a-zA-Z0-9-]*$/;
// jsdom's style-rules.js counts no rule for a selector with a pseudo-element (it reports them
// apart), so a complex selector whose subject ends in one of these can never apply.
const PSEUDO_ELEMENT = /::(?:before|after|backdrop|marker)$/;

/**
 * What an element needs for a selector list to possibly match it: one of `tags` as its tag name
 * or one of `attributes` present (lower case); `bareTags` are the list's complex selectors that
 * are a type selector alone, which every HTML element of that tag name matches.
 */
export interface Requirement {
  /** Tag names the subject of some complex selector requires. */
  tags: Set<string>;
  /** Attributes the subject of some complex selector requires. */
  attributes: Set<string>;
  /** Tag names that are a whole complex selector by themselves. */
  bareTags: Set<string>;
}

/**
 * What an element must have to match `selector`, or null when some complex selector of the list
 * does not say (a universal or pseudo-class subject, or syntax this parser leaves to jsdom).
 */
export function requirementOf(selector: string): Requirement | null {
  if (/[\\|]/.test(selector)) return null;
  const found: Requirement = { tags: new Set(), attributes: new Set(), bareTags: new Set() };
  for (const complex of splitTopLevel(selector, (char) => char === ',')) {
    const trimmed = complex.trim();
    if (BARE_TYPE.test(trimmed)) found.bareTags.add(trimmed.toLowerCase());
    const compounds = splitTopLevel(trimmed, (char) => COMBINATOR.test(char));
    const subject = compounds[compounds.length - 1];
    if (PSEUDO_ELEMENT.test(subject)) continue;
    const type = TYPE.exec(subject);
    const isTypes = type ? null : IS_TYPES.exec(subject);
    const attribute = type || isTypes ? null : ATTRIBUTE.exec(subject);
    if (type) found.tags.add(type[1].toLowerCase());
    else if (isTypes)
      for (const tag of isTypes[1].split(',')) found.tags.add(tag.trim().toLowerCase());
    else if (attribute) found.attributes.add(attribute[1].toLowerCase());
    else return null;
  }
  return found;
}

/** The jsdom implementation object behind a wrapper (jsdom keeps it under a symbol "impl"). */
function implOf(wrapper: object): Record<string, unknown> | undefined {
  const symbol = Object.getOwnPropertySymbols(wrapper).find((s) => s.description === 'impl');
  return symbol && (wrapper as Record<symbol, Record<string, unknown>>)[symbol];
}

/**
 * Wraps the style-rule check of `document` (jsdom) with the prefilter; returns undefined when
 * this jsdom keeps no such check (another version: the suite is then slower, never wrong). Installs
 * once per document. `requirementFor` is replaceable for the test's control.
 */
export function installStylePrefilter(
  document: Document,
  requirementFor: (selector: string) => Requirement | null = requirementOf,
): StylePrefilter | undefined {
  const domSelector = implOf(document)?._domSelector as
    ({ check: Check; [INSTALLED]?: StylePrefilter } & object) | undefined;
  if (!domSelector || typeof domSelector.check !== 'function') return undefined;
  if (domSelector[INSTALLED]) return domSelector[INSTALLED];
  const original: Check = domSelector.check.bind(domSelector);
  const known = new Map<string, Requirement | null>();
  let skipped = 0;
  const prefiltered: Check = (selector, node, options) => {
    let requirement = known.get(selector);
    if (requirement === undefined) {
      requirement = requirementFor(selector);
      known.set(selector, requirement);
    }
    if (requirement && node.nodeType === 1) {
      // Type selectors match tag names case-insensitively at most (HTML elements), attribute
      // names likewise: an element with none of them in any case cannot match.
      const tag = String(node.localName).toLowerCase();
      if (requirement.bareTags.has(tag) && node.namespaceURI === HTML_NS) {
        skipped++;
        return { match: true, pseudoElement: null };
      }
      // (An element whose attributes cannot be listed goes to jsdom.)
      const attributes = requirement.attributes.size === 0 ? [] : node.getAttributeNames?.();
      if (
        !requirement.tags.has(tag) &&
        attributes !== undefined &&
        !attributes.some((name) => requirement.attributes.has(name.toLowerCase()))
      ) {
        skipped++;
        return { match: false, pseudoElement: null };
      }
    }
    return original(selector, node, options);
  };
  const installed: StylePrefilter = {
    original,
    prefiltered,
    skipped: () => skipped,
    uninstall: () => {
      domSelector.check = original;
      delete domSelector[INSTALLED];
    },
  };
  domSelector.check = prefiltered;
  domSelector[INSTALLED] = installed;
  return installed;
}
