/** Connection commands: PING, ECHO, SELECT, QUIT. */
import { ERR, replyError } from '../reply-error.ts';
import { parseInt64 } from './numbers.ts';
import { OK, Status, type FamilyModule } from './types.ts';

/** The connection family. */
export const connection: FamilyModule = {
  family: 'connection',
  commands: {
    ping: (_ctx, args) => {
      if (args.length > 1) throw replyError(ERR.arity('ping'));
      return args.length === 1 ? args[0] : new Status('PONG');
    },
    echo: (_ctx, [message]) => message,
    select: (ctx, [indexArg]) => {
      const index = parseInt64(indexArg);
      if (index === null || index > 2n ** 31n - 1n || index < -(2n ** 31n))
        throw replyError(ERR.notInteger);
      if (!ctx.hasDb(Number(index))) throw replyError('ERR DB index is out of range');
      ctx.conn.db = Number(index);
      return OK;
    },
    quit: () => OK,
  },
};
