import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where `runNew` writes its messages, and which folder it treats as the project root. */
export interface NewLessonIo {
  /** Receives the success report. */
  stdout: { write(text: string): unknown };
  /** Receives errors and usage text. */
  stderr: { write(text: string): unknown };
  /** The project root: the folder that holds `lessons/`. */
  cwd: string;
}

const USAGE = `Usage: cachelab new <slug>

Scaffolds lessons/NN-<slug>/ with lesson.md, starter.ts, solution.ts and checks.ts,
numbered after the last lesson. The slug is lower-case words joined by dashes,
e.g. "pub-sub". See docs/authoring.md for what goes in each file.
`;

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const NUMBERED_FOLDER = /^(\d+)-(.+)$/;

/** `cachelab new <slug>`: scaffolds the next numbered lesson folder. Exit 0 on success, 2 on usage errors, 1 if writing fails. */
export async function runNew(args: string[], io: NewLessonIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const usageError = (message: string, showUsage = true): number => {
    io.stderr.write(`cachelab new: ${message}\n${showUsage ? `\n${USAGE}` : ''}`);
    return 2;
  };
  const flag = args.find((arg) => arg.startsWith('-'));
  if (flag) return usageError(`unknown option "${flag}"`);
  if (args.length === 0) return usageError('missing the lesson slug');
  if (args.length > 1)
    return usageError(`expected one slug, got ${args.length}: ${args.join(' ')}`);
  const slug = args[0];
  const numbered = /^\d+-(.+)$/.exec(slug);
  if (numbered) {
    return usageError(
      `leave out the number, it is picked for you: cachelab new ${numbered[1]}`,
      false,
    );
  }
  if (!SLUG_PATTERN.test(slug)) {
    return usageError(
      `"${slug}" is not a valid slug: use lower-case letters and digits in words joined by single dashes, e.g. "pub-sub"`,
      false,
    );
  }

  const lessonsDir = path.join(io.cwd, 'lessons');
  let folders: string[];
  try {
    folders = (await readdir(lessonsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return usageError(`no lessons/ folder in ${io.cwd}; run this from the project root`);
  }

  let highest = 0;
  let width = 2;
  for (const folder of folders) {
    const match = NUMBERED_FOLDER.exec(folder);
    if (!match) continue;
    if (match[2] === slug)
      return usageError(
        `the slug "${slug}" is already used by lessons/${folder}; pick another`,
        false,
      );
    highest = Math.max(highest, Number(match[1]));
    width = Math.max(width, match[1].length);
  }
  const folder = `${String(highest + 1).padStart(width, '0')}-${slug}`;
  const dir = path.join(lessonsDir, folder);

  try {
    // Not recursive: if the folder appeared in the meantime, mkdir fails instead of us overwriting it.
    await mkdir(dir);
  } catch (error) {
    io.stderr.write(
      `cachelab new: could not create lessons/${folder}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const files = lessonTemplate(slug);
  try {
    for (const [name, text] of Object.entries(files)) {
      await writeFile(path.join(dir, name), text, { flag: 'wx' });
    }
  } catch (error) {
    io.stderr.write(
      `cachelab new: could not write lessons/${folder}: ${(error as Error).message}\n`,
    );
    return 1;
  }

  io.stdout.write(
    [
      `Created lessons/${folder}/`,
      ...Object.keys(files).map((name) => `  ${name}`),
      '',
      'Next:',
      // --course: from an author's own repository, the built-in course is not the one to verify.
      `  npx cachelab verify --course lessons --lesson ${slug}`,
      '      checks that the solution passes and the starter fails',
      '  npx cachelab verify --course lessons --watch',
      '      re-verifies each lesson as you save it',
      '  Then write the prose, the exercise and the checks; docs/authoring.md explains each file.',
      '',
    ].join('\n'),
  );
  return 0;
}

/** "pub-sub" → "Pub sub": a placeholder title the author is expected to replace. */
function titleFromSlug(slug: string): string {
  const words = slug.split('-').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The four files of a new lesson: a tiny, working exercise that `verify` accepts as it is. */
export function lessonTemplate(
  slug: string,
): Record<'lesson.md' | 'starter.ts' | 'solution.ts' | 'checks.ts', string> {
  const title = titleFromSlug(slug);
  return {
    'lesson.md': `---
title: ${JSON.stringify(title)}
summary: "One sentence for the course outline: what the learner will be able to do after this lesson."
hints:
  - "A gentle nudge: which Redis command does this need?"
  - "A more specific hint: name the command and its arguments."
---

Start with the idea, in a paragraph or two: what problem this lesson solves and why Redis fits it.

## A worked example

\`\`\`ts
await redis.set('example:greeting', 'hello');
const value = await redis.get('example:greeting'); // "hello"
\`\`\`

Try the commands in the console:

\`\`\`redis
SET example:greeting hello
GET example:greeting
\`\`\`

## Pitfalls

- What goes wrong when people first try this, and how to avoid it.

## Your task

Export one async function:

- \`remember(redis, name: string, value: string): Promise<string | null>\` stores \`value\` as a string
  under \`example:<name>\` and returns what Redis then holds under that key.
`,
    'starter.ts': `import type { Redis } from 'ioredis';

/** Stores \`value\` under \`example:<name>\` and returns what Redis then holds there. */
export async function remember(redis: Redis, name: string, value: string): Promise<string | null> {
  // TODO: SET the value under \`example:\${name}\`, then GET it back and return it.
  void redis;
  void name;
  void value;
  return null;
}
`,
    'solution.ts': `import type { Redis } from 'ioredis';

/** Stores \`value\` under \`example:<name>\` and returns what Redis then holds there. */
export async function remember(redis: Redis, name: string, value: string): Promise<string | null> {
  const key = \`example:\${name}\`;
  await redis.set(key, value);
  return redis.get(key);
}
`,
    'checks.ts': `import { defineChecks } from 'cachelab/checks';

// The learner's exports as the checks call them. Keep this in step with "Your task" in lesson.md.
interface Exports {
  remember(redis: unknown, name: string, value: string): Promise<string | null>;
}

// Each check gets a fresh store. Pass \`client\` to learner code; use \`redis\` to set up and inspect.
// The guide to everything available here is docs/authoring.md.
export default defineChecks<Exports>({
  exports: ['remember'],
  checks: [
    {
      name: 'remember stores the value under "example:<name>"',
      async run({ learner, client, redis, expect }) {
        await learner.remember(client, 'greeting', 'hello');
        const stored = await redis.get('example:greeting');
        expect(stored, 'value of "example:greeting"').to.equal('hello');
      },
    },
    {
      name: 'remember returns the value that is now stored',
      async run({ learner, client, expect }) {
        const returned = await learner.remember(client, 'colour', 'teal');
        expect(returned, 'remember("colour", "teal")').to.equal('teal');
      },
    },
  ],
});
`,
  };
}
