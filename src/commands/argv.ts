/**
 * clipanion reads a negative number after an option (`--timeout -1`) as another option and says
 * only "Not enough arguments to option --timeout". Binding it to the option (`--timeout=-1`) lets
 * the option's validator say what is wrong with the value. Arguments after `--` are left alone.
 */
export function bindNegativeNumbers(argv: readonly string[]): string[] {
  const bound: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...bound, ...argv.slice(i)];
    const next = argv[i + 1];
    if (/^--[a-z][a-z0-9-]*$/.test(arg) && next !== undefined && /^-\d+(\.\d+)?$/.test(next)) {
      bound.push(`${arg}=${next}`);
      i++;
    } else {
      bound.push(arg);
    }
  }
  return bound;
}
