import { Spin } from "antd";
import type { Key, ReactNode } from "react";

export interface ListColumn<T> {
  readonly key: string;
  readonly title: ReactNode;
  readonly render: (row: T) => ReactNode;
}

/**
 * A read-only list as a plain HTML table, for the pages anyone opens without signing in. Ant
 * Design's Table carries column filters (a tree and a drop-down), row selection, sorting and a
 * paginator with its page-size select — about 90 kB of gzipped script the public product list
 * uses none of, on the page whose budget is 300 kB. Paging here is the service's cursor pages
 * (MorePages under the table); the look follows Ant Design's table (console.css).
 */
export function ListTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  loading,
  empty,
  className,
}: {
  /** Names the table for screen readers (visually hidden: the page's heading shows it). */
  caption: string;
  columns: readonly ListColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => Key;
  loading?: boolean;
  empty: ReactNode;
  className?: string;
}) {
  return (
    <div className={["list-table", className].filter(Boolean).join(" ")}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody aria-busy={loading ?? false}>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key}>{c.render(row)}</td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr className="list-table-empty">
              <td colSpan={columns.length}>{loading ? <Spin size="small" /> : empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
