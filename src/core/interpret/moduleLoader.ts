// The interface through which the engine reads the modules a program imports (files, buffers, bundled stubs): no I/O here.

/** One module's source, as a loader found it. */
export interface ModuleSource {
  /** Where the module lives, as shown in diagnostics and used to reveal it (a file path, or `stubs/…` for a stub). */
  path: string;
  /** Its text; '' for a namespace package (a folder without `__init__.py`). */
  text: string;
  /** A package's `__init__.py` (or a namespace package): its submodules are found below it. */
  isPackage: boolean;
  /** An installed library or a bundled stub rather than the user's project: its problems are reported where the
   *  user's code calls into it. */
  library: boolean;
}

/** Finds modules by absolute dotted name. Implementations: the file system (CLI, extension worker), a map (tests). */
export interface ModuleLoader {
  /** The module `a.b.c` (`a/b/c.py` or `a/b/c/__init__.py` below one of the loader's roots), or null. */
  find(name: string): ModuleSource | null;
  /** The dotted name of the entry file inside its project (`models.unet.unet_model`), so that its relative imports
   *  resolve; null when it has none. */
  entryModule(): { name: string; isPackage: boolean } | null;
  /** A data file (YAML, JSON) named by a model file, relative to the entry file's folder; null when not readable. */
  readData?(path: string): string | null;
}

/** How many modules, and how many bytes of source, one analysis may import. */
export const IMPORT_LIMITS = { files: 400, bytes: 24 * 1024 * 1024 } as const;

/** A loader over a map from dotted module names to sources (tests, bundled stubs, a browser build). */
export function mapModuleLoader(modules: Record<string, Omit<ModuleSource, 'library'> & { library?: boolean }>,
  entry: { name: string; isPackage: boolean } | null = null, data: Record<string, string> = {}): ModuleLoader {
  return {
    find: (name) => {
      const m = Object.prototype.hasOwnProperty.call(modules, name) ? modules[name] : undefined;
      return m ? { ...m, library: m.library ?? false } : null;
    },
    entryModule: () => entry,
    readData: (path) => (Object.prototype.hasOwnProperty.call(data, path) ? data[path] : null),
  };
}
