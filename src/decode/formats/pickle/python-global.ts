import { pickleError } from './pickle-reader.js';

/** A REDUCE meaning: the value, or undefined when the arguments are not as CPython writes them. */
export type PyReducer = (args: unknown[], work: { spend(units: number): void }) => unknown;

/**
 * A name a pickle refers to (GLOBAL, STACK_GLOBAL): only ever a string pair here. Nothing is
 * imported or looked up; REDUCE/NEWOBJ turn it into inert data (python-objects.ts). A class
 * instance, so the JSONPath reader treats it as a leaf; finish-value.ts writes it out as text.
 */
export class PyGlobal {
  readonly qualified: string;
  /**
   * What REDUCE of this global means, looked up once (python-objects.ts): a function, or null
   * for "an inert call record". Globals are cached across payloads, so the lookup is too.
   */
  reducer: PyReducer | null | undefined = undefined;

  constructor(
    readonly module: string,
    readonly name: string,
  ) {
    this.qualified = `${module}.${name}`;
  }
}

// Python 2 module names, mapped as CPython's _compat_pickle does for protocols below 3.
const PY2_MODULES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg', exceptions: 'builtins' };

// builtins that are data types; any other builtin (eval, exec, open, __import__, getattr used as
// a value, …) is a way to run code, not data.
const DATA_BUILTINS = new Set(['set', 'frozenset', 'bytearray', 'bytes', 'list', 'dict', 'tuple', 'int', 'float', 'str', 'bool', 'complex', 'object', 'slice', 'range', 'getattr']);
const COPYREG = new Set(['_reconstructor', '__newobj__', '__newobj_ex__']);

/*
 * A pickle never executes here, so these lists are not a sandbox: they decide which payloads are
 * not data at all. A payload that names a process, import, eval or deserialisation entry point
 * is an attack on whoever loads it, and is reported undecodable (a finding) rather than shown
 * as an inert object that a marker check could call clean. Best effort by design: a name not
 * listed still decodes to inert data, never to an executed call.
 */
const UNSAFE_MODULES = new Set([
  'os', 'posix', 'nt', 'subprocess', '_posixsubprocess', 'sys', 'importlib', 'imp', 'runpy', 'pty', 'ctypes', '_ctypes',
  'socket', '_socket', 'shutil', 'code', 'codeop', 'commands', 'popen2', 'webbrowser', 'pickle', '_pickle', 'cPickle',
  'pickletools', 'marshal', 'types', 'operator', '_operator', 'functools', '_functools', 'io', '_io', 'tempfile',
  'multiprocessing', 'asyncio', 'threading', '_thread', 'thread', 'signal', 'timeit', 'pdb', 'bdb', 'trace', 'profile',
  'cProfile', 'platform', 'pip', 'setuptools', 'distutils', 'pkg_resources', 'zipimport', 'inspect', 'gc', 'ensurepip',
  'venv', 'idlelib', 'pydoc', 'doctest', 'unittest', 'shelve', 'dbm', 'telnetlib', 'ftplib', 'smtplib', 'xmlrpc', 'http',
  'urllib', 'urllib2', 'requests', 'glob', 'fileinput', 'linecache', 'sysconfig', 'site', '_winapi', 'msvcrt', 'winreg',
  '_winreg', 'cgi', 'socketserver', 'SocketServer', 'select', 'selectors', 'mmap', 'resource', 'fcntl', 'termios', 'yaml',
  'dill', 'cloudpickle', 'jsonpickle', 'numpy.testing',
]);
const UNSAFE_NAMES = new Set([
  'system', 'popen', 'popen2', 'popen3', 'popen4', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve',
  'spawnvp', 'spawnvpe', 'execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve', 'execvp', 'execvpe', 'eval', 'exec',
  'execfile', 'compile', '__import__', 'getoutput', 'getstatusoutput', 'check_output', 'check_call', 'Popen', 'call',
  'run_path', 'run_module', 'load', 'loads', 'load_module', 'import_module', 'runstring', 'runcode', 'runsource',
  '__reduce__', '__reduce_ex__', '__setstate__', '__getattribute__', '__getattr__', '__globals__', '__builtins__',
  '__subclasses__', '__code__', '__class__', '__bases__', '__mro__',
]);

function isUnsafe(module: string, name: string): boolean {
  if (module === 'builtins') return !DATA_BUILTINS.has(name);
  if (module === 'copyreg') return !COPYREG.has(name);
  const dot = module.indexOf('.');
  const root = dot < 0 ? module : module.slice(0, dot);
  if (root === 'builtins' || root === 'copyreg' || UNSAFE_MODULES.has(root) || UNSAFE_MODULES.has(module)) return true;
  // Dotted qualnames (Outer.method, STACK_GLOBAL of protocol 4) are checked segment by segment.
  for (const part of name.split('.')) if (UNSAFE_NAMES.has(part)) return true;
  return false;
}

// Globals repeat across payloads (the same model classes, datetime, Decimal): resolving and
// checking one costs more than the rest of a small record, so results are kept, bounded. Keyed
// by module then name: those strings come from the ASCII cache, hashed once, never concatenated.
const resolved = [new Map<string, Map<string, PyGlobal | null>>(), new Map<string, Map<string, PyGlobal | null>>()] as const;
const MAX_RESOLVED_MODULES = 1024;

function resolve(module: string, name: string, py2: boolean): PyGlobal | null {
  const mapped = py2 ? (PY2_MODULES[module] ?? module) : module;
  return module.length === 0 || name.length === 0 || isUnsafe(mapped, name) ? null : new PyGlobal(mapped, name);
}

/** The global a pickle names, refused when it is a code-execution entry point. */
export function pyGlobal(module: string, name: string, protocol: number): PyGlobal {
  const py2 = protocol < 3;
  const modules = resolved[py2 ? 0 : 1];
  let names = modules.get(module);
  if (names === undefined) {
    if (modules.size >= MAX_RESOLVED_MODULES) modules.clear();
    names = new Map();
    modules.set(module, names);
  }
  let global = names.get(name);
  if (global === undefined) {
    global = resolve(module, name, py2);
    if (names.size >= MAX_RESOLVED_MODULES) names.clear();
    names.set(name, global);
  }
  if (global === null) throw pickleError('pickle references a code-execution callable');
  return global;
}
