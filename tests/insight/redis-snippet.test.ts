import { describe, expect, it } from 'vitest';
import { redisSnippetCommands } from '../../src/components/insight/redis-snippet.ts';

describe('redisSnippetCommands', () => {
  it('takes every non-blank line of a plain snippet as a command', () => {
    expect(redisSnippetCommands('SET greeting hello\n\nGET greeting\n')).toEqual([
      'SET greeting hello',
      'GET greeting',
    ]);
  });

  it('skips # comments', () => {
    expect(redisSnippetCommands('# write it\nSET a 1')).toEqual(['SET a 1']);
  });

  it('keeps only prompted lines when the snippet shows replies', () => {
    const snippet = [
      'redis> SET greeting hello',
      'OK',
      '127.0.0.1:6379> GET greeting',
      '"hello"',
      '> DEL greeting',
      '(integer) 1',
    ].join('\n');
    expect(redisSnippetCommands(snippet)).toEqual([
      'SET greeting hello',
      'GET greeting',
      'DEL greeting',
    ]);
  });
});
