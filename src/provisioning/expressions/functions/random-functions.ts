import type { RandomSource } from '../random-source.js';
import { single } from '../values.js';
import { integerArgument, type FunctionDef } from './function-def.js';

/** The character classes of Windows' password complexity rules, which Entra's RandomString uses. */
const CLASSES = {
  numbers: '0123456789',
  special: '~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/',
  capital: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
} as const;
const LABELS: Record<keyof typeof CLASSES, string> = { numbers: 'numbers', special: 'special characters', capital: 'capital letters', lower: 'lower-case letters' };
const MAX_LENGTH = 256;

/** A version 4 GUID from the random source, in the lowercase form Entra prints. */
function guid(random: RandomSource): string {
  const bytes = Array.from({ length: 16 }, () => random.int(256));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * RandomString(Length, MinimumNumbers, MinimumSpecialCharacters, MinimumCapital,
 * MinimumLowerCase, CharactersToAvoid): the minimum of each class, the rest from every class,
 * none of the characters to avoid, shuffled.
 */
function randomString(args: (string | string[] | null)[], random: RandomSource): string {
  const [lengthArg, numbersArg, specialArg, capitalArg, lowerArg, avoidArg] = args;
  const length = integerArgument(lengthArg, 'RandomString', 'Length');
  if (length < 1 || length > MAX_LENGTH) throw new Error(`RandomString: Length is from 1 to ${MAX_LENGTH}, not ${length}`);
  const minimums = {
    numbers: integerArgument(numbersArg, 'RandomString', 'MinimumNumbers'),
    special: integerArgument(specialArg, 'RandomString', 'MinimumSpecialCharacters'),
    capital: integerArgument(capitalArg, 'RandomString', 'MinimumCapital'),
    lower: integerArgument(lowerArg, 'RandomString', 'MinimumLowerCase'),
  };
  if (Object.values(minimums).some((n) => n < 0)) throw new Error('RandomString: the minimums cannot be negative');
  const required = Object.values(minimums).reduce((a, b) => a + b, 0);
  if (required > length) throw new Error(`RandomString: the minimums add up to ${required}, more than the Length ${length}`);
  const avoid = new Set(single(avoidArg) ?? '');
  const allowed = Object.fromEntries(Object.entries(CLASSES).map(([name, chars]) => [name, [...chars].filter((c) => !avoid.has(c))])) as Record<keyof typeof CLASSES, string[]>;
  const chosen: string[] = [];
  for (const name of Object.keys(CLASSES) as (keyof typeof CLASSES)[]) {
    if (minimums[name] > 0 && allowed[name].length === 0) throw new Error(`RandomString: CharactersToAvoid leaves no ${LABELS[name]}`);
    for (let i = 0; i < minimums[name]; i++) chosen.push(allowed[name][random.int(allowed[name].length)]);
  }
  const any = Object.values(allowed).flat();
  if (any.length === 0) throw new Error('RandomString: CharactersToAvoid leaves no characters');
  while (chosen.length < length) chosen.push(any[random.int(any.length)]);
  // Fisher–Yates, so the required characters are not always at the front.
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
  }
  return chosen.join('');
}

/** Functions whose results are random; they draw from the context's random source. */
export const randomFunctions: FunctionDef[] = [
  { name: 'Guid', min: 0, max: 0, call: (_, context) => guid(context.random) },
  { name: 'RandomString', min: 5, max: 6, call: (args, context) => randomString(args, context.random) },
];
