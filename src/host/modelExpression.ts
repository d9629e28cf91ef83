// The "Enter a model expression…" entry: a quick input for any Python call that builds a model (`ResNet(Bottleneck,
// [3, 4, 6, 3])`), offering the file's recent expressions, its models and the constructors of its classes.
import * as vscode from 'vscode';
import type { ModelCandidate } from '../core/graph/ir';
import type { ModelClass } from './modelClasses';

const RECENT_KEY = 'netlens.recentExpressions';
const MAX_RECENT = 8;

/** The last expressions entered per file, kept in the workspace state. */
export class ExpressionMemory {
  constructor(private readonly state: vscode.Memento) {}

  recent(uri: vscode.Uri): string[] {
    const all = this.state.get<Record<string, unknown>>(RECENT_KEY) ?? {};
    const list = all[uri.toString()];
    return Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string').slice(0, MAX_RECENT) : [];
  }

  async remember(uri: vscode.Uri, expr: string): Promise<void> {
    const all = { ...(this.state.get<Record<string, unknown>>(RECENT_KEY) ?? {}) };
    all[uri.toString()] = [expr, ...this.recent(uri).filter((e) => e !== expr)].slice(0, MAX_RECENT);
    await this.state.update(RECENT_KEY, all);
  }
}

interface ExpressionItem extends vscode.QuickPickItem {
  /** The expression to show, or a constructor template to complete in the input first. */
  expr: string;
  template?: boolean;
  /** The entry for what is typed: it takes the input's current text. */
  typed?: boolean;
}

/** Asks for a model expression; resolves to undefined when the user cancels. */
export function askModelExpression(options: {
  recent: string[];
  candidates: ModelCandidate[];
  classes: ModelClass[];
  prefill?: string;
}): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<ExpressionItem>();
  pick.title = 'NetLens: model expression';
  pick.placeholder = 'A Python call that builds the model in this file, e.g. ResNet(Bottleneck, [3, 4, 6, 3], num_classes=10)';
  pick.matchOnDescription = true;
  const fixed: ExpressionItem[] = [
    ...options.recent.map((expr) => ({ label: expr, description: 'recent', expr })),
    ...options.candidates.filter((c) => !options.recent.includes(c.expr)).map((c) => ({ label: c.expr, description: `${c.kind} · line ${c.line}`,
      expr: c.expr })),
    ...options.classes.filter((c) => !c.constructible).map((c) => ({ label: c.signature, description: `class · line ${c.line} · complete the arguments`,
      expr: c.signature, template: true })),
  ];
  const refresh = (): void => {
    const typed = pick.value.trim();
    const exact = fixed.some((item) => item.expr === typed && !item.template);
    pick.items = typed && !exact ? [{ label: typed, description: 'show this expression', expr: typed, alwaysShow: true, typed: true }, ...fixed] : fixed;
  };
  pick.value = options.prefill ?? '';
  refresh();
  return new Promise((resolve) => {
    let done = false;
    pick.onDidChangeValue(refresh);
    pick.onDidAccept(() => {
      const item = pick.activeItems[0] ?? pick.selectedItems[0];
      const typed = pick.value.trim();
      if (item?.template && typed !== item.expr) {
        // A constructor template goes into the input to be completed, not shown as it is.
        pick.value = item.expr;
        refresh();
        return;
      }
      const expr = !item || item.typed ? typed : item.expr;
      if (!expr) return;
      done = true;
      pick.hide();
      resolve(expr);
    });
    pick.onDidHide(() => {
      pick.dispose();
      if (!done) resolve(undefined);
    });
    pick.show();
  });
}
