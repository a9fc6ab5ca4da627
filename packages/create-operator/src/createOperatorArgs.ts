/** The command line of `npm create @dsoi/operator`: flags, their defaults, and refusals that name the flag. */
import { parseArgs } from 'node:util';
import { groupProblem, kindProblem, versionProblem } from './operatorNames.js';

/** What the user asked for, after defaults. */
export interface CreateOperatorArgs {
  /** The project directory, as given (relative to the working directory). @default `<kind in lower case>-operator` */
  readonly directory: string;
  /** The custom resource's kind. @default 'WebApp' */
  readonly kind: string;
  /** The custom resource's API group. @default 'example.com' */
  readonly group: string;
  /** The custom resource's API version. @default 'v1' */
  readonly version: string;
  /** Write into a directory that is not empty, replacing files of the same name. @default false */
  readonly force: boolean;
  /** `--help` was given: print {@link createOperatorUsage} and write nothing. */
  readonly help: boolean;
}

/** The defaults of {@link parseCreateOperatorArgs}: the tutorial's WebApp. */
export const createOperatorDefaults = Object.freeze({ kind: 'WebApp', group: 'example.com', version: 'v1' });

/** The text `--help` prints. */
export const createOperatorUsage = `Usage: npm create @dsoi/operator [<directory>] -- [options]
       npx @dsoi/create-operator [<directory>] [options]

Writes a standalone TypeScript operator project for one custom resource: a zod schema and its CRD, a controller
with a Deployment and a Service child, status conditions and Events, a test against a real API server, generated
RBAC, a Helm chart and a Dockerfile. Asks nothing.

Options:
  --kind <Kind>        the custom resource's kind, PascalCase (default: ${createOperatorDefaults.kind})
  --group <group>      its API group, a DNS subdomain with a dot (default: ${createOperatorDefaults.group})
  --version <version>  its API version (default: ${createOperatorDefaults.version})
  --namespaced         the custom resource is namespaced (the default and, for now, the only scope)
  --force              write into a directory that is not empty, replacing files of the same name
  --help               print this text

<directory> defaults to <kind in lower case>-operator; its name is the package name.`;

/** A command-line mistake; the message names the flag (or `<directory>`). The executable exits with code 2. */
export class CreateOperatorUsageError extends Error {
  override readonly name = 'CreateOperatorUsageError';
  /** The flag at fault, e.g. `--kind`, or `<directory>`. */
  readonly flag: string;

  constructor(flag: string, message: string) {
    super(`${flag}: ${message}`);
    this.flag = flag;
  }
}

/** An npm package name without a scope: what the directory's name becomes. */
const packageNamePattern = /^[a-z0-9][a-z0-9._-]{0,213}$/;

/** Parses the arguments after `create-operator`; throws a {@link CreateOperatorUsageError} naming the bad flag. */
export function parseCreateOperatorArgs(args: readonly string[]): CreateOperatorArgs {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(args);
  } catch (err) {
    // node:util's messages name the option: "Unknown option '--kinds'", "Option '--kind <value>' argument missing".
    const flag = /'(-[^' ]+)/.exec((err as Error).message)?.[1] ?? '<arguments>';
    throw new CreateOperatorUsageError(flag, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values['cluster-scoped']) {
    throw new CreateOperatorUsageError(
      '--cluster-scoped',
      'not supported yet: the template puts the Deployment and Service in the namespace of their custom resource',
    );
  }
  const kind = values.kind ?? createOperatorDefaults.kind;
  const group = values.group ?? createOperatorDefaults.group;
  const version = values.version ?? createOperatorDefaults.version;
  checkNames(kind, group, version);
  if (positionals.length > 1) {
    throw new CreateOperatorUsageError('<directory>', `give one directory, not ${positionals.length}`);
  }
  const directory = positionals[0] ?? `${kind.toLowerCase()}-operator`;
  const base =
    directory
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  if (!packageNamePattern.test(base)) {
    throw new CreateOperatorUsageError(
      '<directory>',
      `${JSON.stringify(base)} cannot be a package name: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit`,
    );
  }
  return { directory, kind, group, version, force: values.force ?? false, help: values.help ?? false };
}

function parseFlags(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      kind: { type: 'string' },
      group: { type: 'string' },
      version: { type: 'string' },
      namespaced: { type: 'boolean' },
      'cluster-scoped': { type: 'boolean' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
}

/**
 * Refuses a kind, group or version the project cannot be named after, naming its flag.
 * @throws CreateOperatorUsageError for the first name that is not valid
 */
export function checkNames(kind: string, group: string, version: string): void {
  for (const [flag, value, problem] of [
    ['--kind', kind, kindProblem(kind)],
    ['--group', group, groupProblem(group)],
    ['--version', version, versionProblem(version)],
  ] as const) {
    if (problem) throw new CreateOperatorUsageError(flag, `${JSON.stringify(value)} ${problem}`);
  }
}
