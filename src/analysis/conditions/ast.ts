/**
 * The syntax tree of a condition. Every node keeps its source span (`start`, `end`, 0-based) so
 * evaluation errors can quote the part of the condition that failed.
 */

/** A value a condition computes with: JSON values (nil is `null`). */
export type Value = null | boolean | number | string | readonly Value[] | { readonly [key: string]: Value };

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Binary operators, by their canonical spelling (`and` is stored as `&&`, `not in` as `!in`). */
export type BinaryOp =
  | '&&' | '||' | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '+' | '-' | '*' | '/' | '%' | '**'
  | 'in' | '!in' | 'contains' | 'startsWith' | 'endsWith' | '??';

/** A node of the tree. */
export type Node =
  | ({ readonly type: 'literal'; readonly value: Value } & Span)
  | ({ readonly type: 'ident'; readonly name: string } & Span)
  | ({ readonly type: 'pointer' } & Span)
  | ({ readonly type: 'unary'; readonly op: '!' | '-' | '+'; readonly operand: Node } & Span)
  | ({ readonly type: 'binary'; readonly op: BinaryOp; readonly left: Node; readonly right: Node } & Span)
  | ({ readonly type: 'member'; readonly object: Node; readonly property: string; readonly optional: boolean } & Span)
  | ({ readonly type: 'index'; readonly object: Node; readonly index: Node; readonly optional: boolean } & Span)
  | ({ readonly type: 'call'; readonly name: string; readonly args: readonly Node[] } & Span)
  | ({ readonly type: 'closure'; readonly body: Node } & Span)
  | ({ readonly type: 'array'; readonly elements: readonly Node[] } & Span)
  | ({ readonly type: 'conditional'; readonly test: Node; readonly consequent: Node; readonly alternate: Node } & Span);
