/**
 * The part of the WebAssembly JS API lzma-chunk.ts uses. Node has it as a global, but
 * @types/node 20 does not declare it and the DOM lib would bring browser globals into a service.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Global {
    readonly value: unknown;
  }
  class RuntimeError extends Error {}
}
