import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/** A column a recordset carries that no table has, with its SQL type. */
export type ExtraColumns = Record<string, 'text' | 'boolean' | 'int' | 'timestamptz'>;

/** The typed columns of a recordset: the named columns of `table`, then `extra`. */
export interface RecordsetShape {
  table: PgTable;
  /** Property names of the table's columns, in the order they are inserted. */
  keys: readonly string[];
  extra?: ExtraColumns;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function columnsOf(shape: RecordsetShape): Array<{ key: string; name: string; type: string }> {
  const columns = getTableColumns(shape.table);
  const own = shape.keys.map((key) => {
    const column = columns[key];
    if (!column) throw new Error(`no column ${key} in ${String(shape.table)}`);
    return { key, name: column.name, type: column.getSQLType() };
  });
  const extra = Object.entries(shape.extra ?? {}).map(([key, type]) => ({ key, name: key, type }));
  return [...own, ...extra];
}

/**
 * A whole batch of rows as one JSON parameter, read back with `json_to_recordset`: far
 * cheaper than one parameter per value. Rows are keyed by the table's property names; the
 * column types come from the Drizzle table, so the SQL cannot drift from the schema.
 */
export function recordset(shape: RecordsetShape, rows: readonly object[]): SQL {
  const definition = columnsOf(shape)
    .map((c) => `${quote(c.key)} ${c.type}`)
    .join(', ');
  return sql`json_to_recordset(${JSON.stringify(rows)}::json) as x(${sql.raw(definition)})`;
}

/** `insert into <table> (<columns>) select x.<keys> from <from>` for the shape's own columns. */
export function insertFrom(shape: RecordsetShape, from: SQL): SQL {
  const columns = columnsOf({ table: shape.table, keys: shape.keys });
  const names = columns.map((c) => quote(c.name)).join(', ');
  const values = columns.map((c) => `x.${quote(c.key)}`).join(', ');
  return sql`insert into ${shape.table} (${sql.raw(names)}) select ${sql.raw(values)} from ${from}`;
}
