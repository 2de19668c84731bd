import { Link } from "react-router";

/** Where the console shows a record the duty pages name (none: the id as text). */
const PAGES: Record<string, (id: string) => string> = {
  complaint: (id) => `/oversight/complaints/${encodeURIComponent(id)}`,
  objection: (id) => `/oversight/objections/${encodeURIComponent(id)}`,
  grant: (id) => `/supervisor/grant/${encodeURIComponent(id)}`,
  product: (id) => `/supervisor/graph/${encodeURIComponent(id)}`,
};

export function SubjectLink({ kind, id }: { kind: string; id: string }) {
  const page = PAGES[kind];
  return page && id ? <Link to={page(id)}>{`${kind} ${id}`}</Link> : <>{`${kind} ${id}`}</>;
}
