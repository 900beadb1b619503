import type { Check, FixHook } from '@selfheal/backend-agent';

/** A product the shop sells. */
export interface Product {
  id: number;
  name: string;
  price: number;
}

/** The shop's database, whatever its driver: queries, a check, a reconnect and a real drop. */
export interface ShopDatabase {
  readonly driver: 'pglite' | 'postgres';
  products(): Promise<Product[]>;
  /** `select 1` on the connection the shop uses (`db_down`). */
  check: Check;
  /** reconnect_database: opens a new connection. */
  reconnect: FixHook;
  /** Drops the shop's connection for real, the way a failover or an idle timeout does. */
  drop(): Promise<string>;
  close(): Promise<void>;
}

/** The table and its rows, created once. */
export const SCHEMA = `
  create table if not exists products (id int primary key, name text not null, price numeric not null);
  insert into products values (1, 'Teapot', 24.5), (2, 'Kettle', 39), (3, 'Mug', 8.25)
    on conflict (id) do nothing;
`;

/** A row as a driver returns it, `numeric` as a string. */
export function toProduct(row: { id: number; name: string; price: string | number }): Product {
  return { id: row.id, name: row.name, price: Number(row.price) };
}
