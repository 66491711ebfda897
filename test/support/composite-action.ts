/**
 * Runs a composite action's steps as the GitHub runner runs them, for the tests of action.yml:
 * each `run:` step is a bash script file run with `bash --noprofile --norc -eo pipefail` (the
 * runner's command for `shell: bash`), in its `working-directory`, with its `env:` evaluated and
 * a fresh GITHUB_OUTPUT file whose lines become the step's outputs; `if:` conditions, `${{ }}`
 * expressions in `env:`, `with:`, `working-directory:` and the action's `outputs:` are evaluated
 * with the contexts the runner gives a composite action (inputs, steps, github, runner, env).
 *
 * `uses:` steps (actions/setup-node, actions/cache) are not run: the test says what they would
 * have produced (`usesOutputs`, e.g. a cache hit), and the run records that they were skipped.
 *
 * The expression language is the subset action.yml uses: property paths, string, number and
 * boolean literals, `==` `!=` (strings compared case-insensitively, other types as numbers, as
 * GitHub does), `&&` `||` `!`, parentheses, and the status functions success(), always(),
 * failure(), cancelled(). Anything else is an error here, so action.yml cannot drift into
 * expressions this runner would evaluate wrongly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

export interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

export interface ActionFile {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export function readActionFile(file: string): ActionFile {
  return parseYaml(readFileSync(file, 'utf8')) as ActionFile;
}

// ---------------------------------------------------------------- expressions

type Value = string | number | boolean | null | { [key: string]: Value };
type Token = { kind: 'str' | 'num' | 'id' | 'op'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const str = /^'((?:[^']|'')*)'/.exec(rest);
    const num = /^-?\d+(\.\d+)?/.exec(rest);
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest);
    const op = /^(==|!=|&&|\|\||!|\(|\)|\.|,)/.exec(rest);
    if (str) tokens.push({ kind: 'str', text: str[1]!.replace(/''/g, "'") });
    else if (num) tokens.push({ kind: 'num', text: num[0] });
    else if (id) tokens.push({ kind: 'id', text: id[0] });
    else if (op) tokens.push({ kind: 'op', text: op[0] });
    else throw new Error(`expression '${expr}': cannot read '${rest}'`);
    i += (str ?? num ?? id ?? op)![0].length;
  }
  return tokens;
}

type Node =
  | { kind: 'literal'; value: Value }
  | { kind: 'path'; parts: string[] }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'not'; operand: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node };

const FUNCTIONS = new Set(['success', 'always', 'failure', 'cancelled']);

/** Parses an expression (the text inside `${{ }}`, or an `if:`). */
export function parseExpression(expr: string): Node {
  const tokens = tokenize(expr);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const take = (text?: string): Token => {
    const token = tokens[at++];
    if (!token || (text !== undefined && token.text !== text)) throw new Error(`expression '${expr}': expected ${text ?? 'more'} at token ${at}`);
    return token;
  };
  const binary = (ops: string[], next: () => Node) => (): Node => {
    let left = next();
    while (peek()?.kind === 'op' && ops.includes(peek()!.text)) {
      const op = take().text;
      left = { kind: 'binary', op, left, right: next() };
    }
    return left;
  };
  const primary = (): Node => {
    const token = take();
    if (token.kind === 'str') return { kind: 'literal', value: token.text };
    if (token.kind === 'num') return { kind: 'literal', value: Number(token.text) };
    if (token.kind === 'op' && token.text === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (token.kind === 'op' && token.text === '!') return { kind: 'not', operand: primary() };
    if (token.kind !== 'id') throw new Error(`expression '${expr}': unexpected '${token.text}'`);
    if (token.text === 'true' || token.text === 'false') return { kind: 'literal', value: token.text === 'true' };
    if (token.text === 'null') return { kind: 'literal', value: null };
    if (peek()?.text === '(') {
      if (!FUNCTIONS.has(token.text)) throw new Error(`expression '${expr}': function ${token.text}() is not one this runner evaluates`);
      take('(');
      take(')');
      return { kind: 'call', name: token.text, args: [] };
    }
    const parts = [token.text];
    while (peek()?.text === '.') {
      take('.');
      parts.push(take().text);
    }
    return { kind: 'path', parts };
  };
  const equality = binary(['==', '!='], primary);
  const and = binary(['&&'], equality);
  const or = binary(['||'], and);
  const node = or();
  if (at !== tokens.length) throw new Error(`expression '${expr}': unexpected '${tokens[at]!.text}'`);
  return node;
}

/** Every property path an expression reads (`inputs.checks`, `steps.netq.outputs.exit-code`). */
export function pathsIn(node: Node): string[][] {
  switch (node.kind) {
    case 'path':
      return [node.parts];
    case 'not':
      return pathsIn(node.operand);
    case 'binary':
      return [...pathsIn(node.left), ...pathsIn(node.right)];
    case 'call':
      return node.args.flatMap(pathsIn);
    default:
      return [];
  }
}

/** Every `${{ ... }}` in a text, as the expression inside. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!.trim());
}

function truthy(value: Value): boolean {
  return !(value === false || value === 0 || value === '' || value === null || Number.isNaN(value));
}

function toNumber(value: Value): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value);
  return NaN;
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  return toNumber(a) === toNumber(b);
}

export interface Contexts {
  [context: string]: Value;
}

export function evaluate(node: Node, contexts: Contexts, status: { failed: boolean }): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'path': {
      let value: Value = contexts[node.parts[0]!] ?? null;
      for (const part of node.parts.slice(1)) value = value !== null && typeof value === 'object' ? (value[part] ?? null) : null;
      return value;
    }
    case 'not':
      return !truthy(evaluate(node.operand, contexts, status));
    case 'call':
      return node.name === 'always' ? true : node.name === 'success' ? !status.failed : node.name === 'failure' ? status.failed : false;
    case 'binary': {
      const left = evaluate(node.left, contexts, status);
      if (node.op === '&&') return truthy(left) ? evaluate(node.right, contexts, status) : left;
      if (node.op === '||') return truthy(left) ? left : evaluate(node.right, contexts, status);
      const right = evaluate(node.right, contexts, status);
      return node.op === '==' ? equal(left, right) : !equal(left, right);
    }
  }
}

function usesStatusFunction(node: Node): boolean {
  if (node.kind === 'call') return true;
  if (node.kind === 'not') return usesStatusFunction(node.operand);
  if (node.kind === 'binary') return usesStatusFunction(node.left) || usesStatusFunction(node.right);
  return false;
}

/** A text with each `${{ }}` replaced by its value (null as the empty string). */
export function interpolate(text: string, contexts: Contexts, status: { failed: boolean }): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => {
    const value = evaluate(parseExpression(expr.trim()), contexts, status);
    return value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/** An `if:` as the runner reads it: `success() && (...)` unless it names a status function. */
function condition(text: string | undefined, contexts: Contexts, status: { failed: boolean }): boolean {
  if (text === undefined) return !status.failed;
  const node = parseExpression(expressionsIn(text)[0] ?? text);
  return truthy(evaluate(usesStatusFunction(node) ? node : { kind: 'binary', op: '&&', left: { kind: 'call', name: 'success', args: [] }, right: node }, contexts, status));
}

// ---------------------------------------------------------------- the runner

/** The outputs a step wrote to its GITHUB_OUTPUT file (`name=value`, or `name<<DELIMITER` blocks). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: ${heredoc[1]} has no closing ${heredoc[2]}`);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    } else if (line.trim()) {
      throw new Error(`GITHUB_OUTPUT: cannot read line '${line}'`);
    }
  }
  return outputs;
}

export interface StepRun {
  id: string | undefined;
  name: string | undefined;
  /** ran: a run step that ran; simulated: a uses step the test gave outputs for; skipped: its if: was false. */
  state: 'ran' | 'simulated' | 'skipped';
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  env: Record<string, string>;
  outputs: Record<string, string>;
}

export interface CompositeRun {
  steps: StepRun[];
  /** The action's outputs, as the workflow's `steps.<id>.outputs` would see them. */
  outputs: Record<string, string>;
  /** Whether a step failed, as the workflow sees the action's step. */
  failed: boolean;
}

export interface CompositeOptions {
  /** The folder holding action.yml (GITHUB_ACTION_PATH). */
  actionPath: string;
  /** The workspace (GITHUB_WORKSPACE), where steps run unless they say otherwise. */
  workspace: string;
  /** The `with:` of the workflow step; inputs not given take their defaults. */
  with: Record<string, string>;
  /** The runner's environment of the job (GITHUB_EVENT_NAME, GITHUB_STEP_SUMMARY, PATH, ...). */
  env: Record<string, string>;
  /** What each `uses:` step (by id) would have output. */
  usesOutputs?: Record<string, Record<string, string>>;
  /** Stop after the step with this id (the steps after it are not run and not recorded). */
  stopAfter?: string;
}

function runBash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netq-step-'));
  const file = path.join(dir, 'step.sh');
  writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Runs the action's steps in order, as a workflow step `uses: ./` with `with:` would. */
export async function runCompositeAction(options: CompositeOptions): Promise<CompositeRun> {
  const action = readActionFile(path.join(options.actionPath, 'action.yml'));
  if (action.runs.using !== 'composite') throw new Error(`action.yml runs ${action.runs.using}, not composite`);
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) {
    if (!(name in options.with) && input.required) throw new Error(`input ${name} is required`);
    inputs[name] = options.with[name] ?? input.default ?? '';
  }
  for (const name of Object.keys(options.with)) if (!(name in action.inputs)) throw new Error(`with: ${name} is not an input of the action`);
  const steps: Record<string, { outputs: Record<string, Value>; outcome: string; conclusion: string }> = {};
  const env: Record<string, string> = { ...options.env, GITHUB_ACTION_PATH: options.actionPath, GITHUB_WORKSPACE: options.workspace };
  const contexts = (): Contexts => ({
    inputs,
    steps,
    github: { action_path: options.actionPath, workspace: options.workspace, event_name: env.GITHUB_EVENT_NAME ?? '', base_ref: env.GITHUB_BASE_REF ?? '', ref: env.GITHUB_REF ?? '' },
    runner: { os: 'Linux', temp: os.tmpdir() },
    env,
  });
  const status = { failed: false };
  const runs: StepRun[] = [];
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'netq-runner-'));
  try {
    for (const [index, step] of action.runs.steps.entries()) {
      const record: StepRun = { id: step.id, name: step.name, state: 'skipped', exitCode: undefined, stdout: '', stderr: '', env: {}, outputs: {} };
      runs.push(record);
      if (!condition(step.if, contexts(), status)) {
        if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
        continue;
      }
      if (step.uses) {
        record.state = 'simulated';
        record.outputs = (step.id && options.usesOutputs?.[step.id]) || {};
      } else {
        if (step.shell !== 'bash') throw new Error(`step ${step.name ?? index}: shell is ${step.shell}; composite run steps need shell: bash here`);
        const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), contexts(), status)]));
        const outputFile = path.join(scratch, `output-${index}`);
        writeFileSync(outputFile, '');
        const cwd = path.resolve(options.workspace, interpolate(step['working-directory'] ?? '.', contexts(), status));
        const result = await runBash(step.run ?? '', cwd, { ...env, ...stepEnv, GITHUB_OUTPUT: outputFile });
        Object.assign(record, { state: 'ran', exitCode: result.code, stdout: result.stdout, stderr: result.stderr, env: stepEnv });
        record.outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
        if (result.code !== 0) status.failed = true;
      }
      const outcome = record.exitCode === undefined || record.exitCode === 0 ? 'success' : 'failure';
      if (step.id) steps[step.id] = { outputs: record.outputs, outcome, conclusion: outcome };
      if (step.id !== undefined && step.id === options.stopAfter) break;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, output]) => [name, interpolate(output.value, contexts(), status)]));
  return { steps: runs, outputs, failed: status.failed };
}
