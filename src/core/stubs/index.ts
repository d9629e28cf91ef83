// The bundled library stubs (torchvision, timm, ... as .py files under stubs/) as a module loader of last resort.
import type { ModuleLoader } from '../interpret/moduleLoader';
import { BUNDLED_STUBS } from './bundle';

/** The path a stub is shown under (relative to the NetLens package). */
export function stubPath(name: string, isPackage: boolean): string {
  return `stubs/${name.split('.').join('/')}${isPackage ? '/__init__.py' : '.py'}`;
}

/** Stubs are library code: their problems are reported where the user's code calls into them. */
export function bundledStubLoader(): ModuleLoader {
  return {
    find(name) {
      const stub = Object.prototype.hasOwnProperty.call(BUNDLED_STUBS, name) ? BUNDLED_STUBS[name] : undefined;
      if (stub) return { path: stubPath(name, stub.isPackage), text: stub.text, isPackage: stub.isPackage, library: true };
      // A folder of stubs without __init__.py is a namespace package, as in Python.
      const prefix = `${name}.`;
      for (const key of Object.keys(BUNDLED_STUBS)) if (key.startsWith(prefix))
        return { path: `stubs/${name.split('.').join('/')}`, text: '', isPackage: true, library: true };
      return null;
    },
    entryModule: () => null,
  };
}
