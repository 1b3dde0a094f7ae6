// Passwords are hashed with argon2id (the @node-rs/argon2 default algorithm, stated explicitly).
import { hash, verify } from '@node-rs/argon2';

// algorithm 2 = Algorithm.Argon2id (a const enum, not importable under isolatedModules); OWASP parameters.
const OPTIONS = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (plain: string) => hash(plain, OPTIONS);

export async function verifyPassword(stored: string | null, plain: string): Promise<boolean> {
  // Unknown user or no password: still spend the time of a verify, so timing does not reveal usernames.
  const target = stored ?? DUMMY;
  try {
    const ok = await verify(target, plain);
    return ok && stored !== null;
  } catch {
    return false;
  }
}

const DUMMY = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0oGqJ7u4X6n7y6zjvV5gDpY8bJ6iQ3y1GmF3vJj1mQo';
