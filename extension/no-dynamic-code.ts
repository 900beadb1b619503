import type { Plugin } from 'vite';

/** One rewrite of a dependency's code: the module it applies to and what it replaces. */
interface Rewrite {
  module: RegExp;
  find: RegExp | string;
  replace: string;
  why: string;
}

const REWRITES: Rewrite[] = [
  {
    // zod probes whether it may compile validators with `new Function`; an extension's CSP never
    // allows it, and store review flags the probe as eval.
    module: /[\\/]zod[\\/]v4[\\/]core[\\/]util\.js$/,
    find: /try \{\s*const F = Function;\s*new F\(""\);\s*return true;/,
    replace: 'try {\n        return false;',
    why: "zod's eval probe",
  },
  {
    // Nothing here renders HTML from a string: error text is untrusted and shown as text.
    module: /[\\/]preact[\\/]dist[\\/]preact\.mjs$/,
    find: 't.innerHTML=h.__html',
    replace: '(()=>{throw Error("dangerouslySetInnerHTML is not allowed here")})()',
    why: "preact's dangerouslySetInnerHTML",
  },
];

/** The same two places as minified into the content scripts built apart (as IIFE, with no plugins). */
const MINIFIED: Array<[string, string]> = [
  ['try{return Function(``),!0}catch{return!1}', 'try{return!1}catch{return!1}'],
];

/** What must not be left in any file the extension ships. */
const FORBIDDEN = [/\bFunction\(`/, /\bnew Function\(/, /\beval\(/, /\.innerHTML=/];

/**
 * Takes out of the bundles the two places that turn strings into code or markup, so the built
 * extension passes store review with no warning. A dependency update that moves either fails the
 * build here, rather than shipping the code back in silently.
 */
export function noDynamicCode(): Plugin[] {
  return [
    {
      name: 'selfheal-no-dynamic-code',
      enforce: 'pre',
      transform(code, id) {
        const rewrite = REWRITES.find((r) => r.module.test(id));
        if (!rewrite) return null;
        const next = code.replace(rewrite.find, rewrite.replace);
        if (next === code)
          this.error(`${rewrite.why} not found in ${id}: update no-dynamic-code.ts`);
        return { code: next, map: null };
      },
    },
    {
      // After the content scripts built apart are added to the bundle.
      name: 'selfheal-no-dynamic-code-check',
      enforce: 'post',
      apply: 'build',
      generateBundle(_options, bundle) {
        for (const file of Object.values(bundle)) {
          if (!file.fileName.endsWith('.js')) continue;
          let code = file.type === 'chunk' ? file.code : String(file.source);
          for (const [find, replace] of MINIFIED) code = code.replaceAll(find, replace);
          const left = FORBIDDEN.find((pattern) => pattern.test(code));
          if (left) this.error(`${file.fileName} still holds ${left}: update no-dynamic-code.ts`);
          if (file.type === 'chunk') file.code = code;
          else file.source = code;
        }
      },
    },
  ];
}
