// The slice of bun:ffi that host/exec.ts uses (the binary is built with Bun; type checking
// runs under plain TypeScript, which has no Bun types installed).
declare module "bun:ffi" {
  export const FFIType: { cstring: number; ptr: number; i32: number };
  export function ptr(view: ArrayBufferView): number;
  export function dlopen<T extends Record<string, { args: number[]; returns: number }>>(
    path: string,
    symbols: T,
  ): { symbols: { [K in keyof T]: (...args: unknown[]) => unknown }; close(): void };
}
