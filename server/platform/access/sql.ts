// Narrows a query to the records the ability allows: CASL rules → SQL WHERE fragment.
// Only the operators our policies produce are supported (eq, in, and, or, not); anything
// else is an error, never silently "allow". Columns come from a whitelist per resource.
import { rulesToAST } from '@casl/ability/extra';
import type { AppAbility } from './abilities.js';
import type { Action, Resource } from './policies.js';

interface Node {
  operator: string;
  field?: string;
  value: unknown;
}

/**
 * Returns a SQL boolean expression. `params` is appended to; placeholders continue from its length.
 * 'false' when the actor may not do the action on any record; 'true' when on all.
 */
export function accessWhere(
  ability: AppAbility,
  action: Action,
  resource: Resource,
  columns: Record<string, string>,
  params: unknown[],
): string {
  const ast = rulesToAST(ability, action, resource) as Node | null;
  if (ast === null) return 'false';
  return toSql(ast, columns, params);
}

function toSql(node: Node, columns: Record<string, string>, params: unknown[]): string {
  const col = () => {
    const c = node.field && columns[node.field];
    if (!c) throw new Error(`access rule uses field ${node.field} that has no column mapping`);
    return c;
  };
  switch (node.operator) {
    case 'and': {
      const parts = (node.value as Node[]).map((n) => toSql(n, columns, params));
      return parts.length ? `(${parts.join(' and ')})` : 'true';
    }
    case 'or': {
      const parts = (node.value as Node[]).map((n) => toSql(n, columns, params));
      return parts.length ? `(${parts.join(' or ')})` : 'false';
    }
    case 'not': {
      const inner = (node.value as Node[]).map((n) => toSql(n, columns, params)).join(' and ');
      return `not coalesce((${inner}), false)`;
    }
    case 'eq':
      if (node.value === null) return `${col()} is null`;
      params.push(node.value);
      return `${col()} = $${params.length}`;
    case 'in':
      params.push(node.value);
      return `${col()} = any($${params.length})`;
    default:
      throw new Error(`unsupported access operator ${node.operator}`);
  }
}
