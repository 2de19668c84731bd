import { Typography } from "antd";
import type { ReactNode } from "react";

/** A hash, key or signature in hex: monospace, broken anywhere so it never widens its column. */
export function HashText({ children, copyable }: { children: ReactNode; copyable?: boolean }) {
  return (
    <Typography.Text code copyable={copyable} className="hash-text">
      {children}
    </Typography.Text>
  );
}
