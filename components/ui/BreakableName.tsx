import { Fragment } from 'react';

/**
 * A Kubernetes name that may wrap only after its separators (`:`, `.`, `-`, `/`), so that
 * `eks:podsecuritypolicy:authenticated` breaks as `eks:podsecuritypolicy:` / `authenticated`, not
 * mid-word. A segment longer than the line still breaks (overflow-wrap: anywhere).
 */
export function BreakableName({ name }: { name: string }) {
  const parts = name.split(/(?<=[:./-])/);
  return (
    <span className="[overflow-wrap:anywhere]">
      {parts.map((p, i) => (
        <Fragment key={i}>
          {p}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}
