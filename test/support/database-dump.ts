import { Pool } from 'pg';

/** Every text, char, array and jsonb value of every table, as one text per `table.column`. */
export async function dumpDatabase(db: Pool): Promise<Map<string, string>> {
  const { rows: columns } = await db.query(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public'
        AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'character', 'ARRAY')`,
  );
  const dump = new Map<string, string>();
  for (const { table_name: t, column_name: c } of columns) {
    const { rows } = await db.query(
      `SELECT coalesce(string_agg("${c}"::text, E'\\n'), '') AS v FROM "${t}"`,
    );
    dump.set(`${t}.${c}`, rows[0].v);
  }
  return dump;
}

/** The `table.column`s of a dump whose values hold the needle (case-insensitive). */
export function whereFound(dump: Map<string, string>, needle: string): string[] {
  return [...dump]
    .filter(([, v]) => v.toLowerCase().includes(needle.toLowerCase()))
    .map(([k]) => k);
}
