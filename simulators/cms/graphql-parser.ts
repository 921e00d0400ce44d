/**
 * The part of GraphQL's query language the simulated CMS understands: one query operation with
 * variable definitions, fields with aliases and arguments (variables or literals) and nested
 * selection sets. Fragments and directives are refused with a parse error, as a server without them
 * would.
 */
export type ValueNode = { kind: 'variable'; name: string } | { kind: 'literal'; value: string | number | boolean | null };

export interface FieldNode {
  /** The key the result carries: the alias when there is one. */
  key: string;
  name: string;
  args: ReadonlyMap<string, ValueNode>;
  selections: readonly FieldNode[];
}

export interface OperationNode {
  variables: ReadonlySet<string>;
  selections: readonly FieldNode[];
}

export class GraphqlSyntaxError extends Error {}

type Token = { kind: 'punct' | 'name' | 'number' | 'string'; text: string };

const TOKEN = /\s+|,|#[^\n]*|(\.\.\.|[!$():=@[\]{}])|([_A-Za-z][_0-9A-Za-z]*)|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|("(?:[^"\\\n]|\\.)*")/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new GraphqlSyntaxError(`Syntax Error: Unexpected character "${source.charAt(at)}".`);
    const [, punct, name, number, string] = match;
    if (punct !== undefined) tokens.push({ kind: 'punct', text: punct });
    else if (name !== undefined) tokens.push({ kind: 'name', text: name });
    else if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else if (string !== undefined) tokens.push({ kind: 'string', text: string });
  }
  return tokens;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private describe(token: Token | undefined): string {
    return token ? `"${token.text}"` : '<EOF>';
  }

  private take(kind: Token['kind'], text?: string): Token {
    const token = this.peek();
    if (!token || token.kind !== kind || (text !== undefined && token.text !== text)) {
      const expected = text === undefined ? (kind === 'name' ? 'Name' : kind) : `"${text}"`;
      throw new GraphqlSyntaxError(`Syntax Error: Expected ${expected}, found ${this.describe(token)}.`);
    }
    this.index += 1;
    return token;
  }

  private at(text: string): boolean {
    return this.peek()?.text === text && this.peek()?.kind !== 'string';
  }

  document(): OperationNode {
    if (this.at('query')) this.take('name');
    if (this.peek()?.kind === 'name') this.take('name');
    const variables = this.at('(') ? this.variableDefinitions() : new Set<string>();
    const selections = this.selectionSet();
    if (this.peek())
      throw new GraphqlSyntaxError(`Syntax Error: Unexpected ${this.describe(this.peek())}; only one operation is supported.`);
    return { variables, selections };
  }

  private variableDefinitions(): Set<string> {
    const names = new Set<string>();
    this.take('punct', '(');
    while (!this.at(')')) {
      this.take('punct', '$');
      names.add(this.take('name').text);
      this.take('punct', ':');
      this.type();
      if (this.at('=')) {
        this.take('punct', '=');
        this.value();
      }
    }
    this.take('punct', ')');
    return names;
  }

  private type(): void {
    if (this.at('[')) {
      this.take('punct', '[');
      this.type();
      this.take('punct', ']');
    } else {
      this.take('name');
    }
    if (this.at('!')) this.take('punct', '!');
  }

  private selectionSet(): FieldNode[] {
    this.take('punct', '{');
    const fields: FieldNode[] = [];
    while (!this.at('}')) fields.push(this.field());
    this.take('punct', '}');
    if (fields.length === 0) throw new GraphqlSyntaxError('Syntax Error: Expected Name, found "}".');
    return fields;
  }

  private field(): FieldNode {
    const key = this.take('name').text;
    let name = key;
    if (this.at(':')) {
      this.take('punct', ':');
      name = this.take('name').text;
    }
    const args = new Map<string, ValueNode>();
    if (this.at('(')) {
      this.take('punct', '(');
      while (!this.at(')')) {
        const arg = this.take('name').text;
        this.take('punct', ':');
        args.set(arg, this.value());
      }
      this.take('punct', ')');
    }
    const selections = this.at('{') ? this.selectionSet() : [];
    return { key, name, args, selections };
  }

  private value(): ValueNode {
    const token = this.peek();
    if (token?.kind === 'punct' && token.text === '$') {
      this.take('punct', '$');
      return { kind: 'variable', name: this.take('name').text };
    }
    if (token?.kind === 'string') return { kind: 'literal', value: String(JSON.parse(this.take('string').text)) };
    if (token?.kind === 'number') return { kind: 'literal', value: Number(this.take('number').text) };
    if (token?.kind === 'name' && ['true', 'false', 'null'].includes(token.text)) {
      this.take('name');
      return { kind: 'literal', value: token.text === 'null' ? null : token.text === 'true' };
    }
    throw new GraphqlSyntaxError(`Syntax Error: Unexpected ${this.describe(token)}.`);
  }
}

export function parseQuery(source: string): OperationNode {
  return new Parser(tokenize(source)).document();
}
